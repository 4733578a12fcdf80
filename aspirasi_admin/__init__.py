"""The staff's door: Flask-Admin views per role, built fresh for each app."""
from flask_admin import Admin, AdminIndexView
from flask_admin.theme import Bootstrap4Theme


def init_admin(app) -> Admin:
    admin = Admin(app, name="Aspirasi Kaltim", theme=Bootstrap4Theme(),
                  index_view=AdminIndexView(url="/admin"))
    return admin
