"""The staff's door: Flask-Admin views per role, built fresh for each app."""
from flask_admin import Admin
from flask_admin.theme import Bootstrap4Theme
from flask_babel import lazy_gettext as _l


def init_admin(app) -> Admin:
    from aspirasi_admin import reports, views
    from aspirasi_admin.dashboard import DashboardView
    from aspirasi_admin.picker_words import picker_words

    theme = Bootstrap4Theme(base_template="admin/aspirasi_base.html")
    admin = Admin(app, name="Aspirasi Kaltim", theme=theme,
                  index_view=DashboardView(name=_l("Dasbor"), url="/admin"),
                  translations_path=str(app.root_path + "/../translations"))
    app.jinja_env.globals["picker_words"] = picker_words
    views.register(admin)
    reports.register(admin)
    return admin
