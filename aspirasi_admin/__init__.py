"""The staff's door: Flask-Admin views per role, built fresh for each app."""
from flask_admin import Admin
from flask_admin.theme import Bootstrap4Theme


def init_admin(app) -> Admin:
    from aspirasi_admin import reports, views
    from aspirasi_admin.dashboard import DashboardView

    theme = Bootstrap4Theme(base_template="admin/aspirasi_base.html")
    admin = Admin(app, name="Aspirasi Kaltim", theme=theme,
                  index_view=DashboardView(name="Dasbor", url="/admin"),
                  translations_path=str(app.root_path + "/../translations"))
    views.register(admin)
    reports.register(admin)
    return admin
