"""The staff dashboard: what needs this user's action now."""
from flask_admin import AdminIndexView, expose

from aspirasi_admin.guards import RoleGuard


class DashboardView(RoleGuard, AdminIndexView):
    roles = ("admin", "operator", "monitor", "evaluator")

    @expose("/")
    def index(self):
        return self.render("admin/dashboard.html")
