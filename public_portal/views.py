"""Views of the citizen portal. (Skeleton: the portal's pages are built on top of this.)"""
from flask import redirect, render_template_string, url_for
from flask_login import current_user

from public_portal import bp

PLACEHOLDER = "{% extends 'layout.html' %}{% block content %}<h1>{{ t }}</h1>{% endblock %}"


@bp.get("/")
def index():
    return render_template_string(PLACEHOLDER, t="Beranda")


@bp.get("/masuk/lanjut")
def after_login():
    if current_user.is_authenticated and current_user.is_staff:
        return redirect(url_for("admin.index"))
    return redirect(url_for("portal.index"))


@bp.get("/verifikasi")
def verify():
    return render_template_string(PLACEHOLDER, t="Verifikasi")


@bp.get("/settings")
def settings():
    return render_template_string(PLACEHOLDER, t="Pengaturan")


@bp.get("/pesan")
def messages():
    return render_template_string(PLACEHOLDER, t="Pesan")


@bp.get("/pesan/kirim")
def submit():
    return render_template_string(PLACEHOLDER, t="Kirim")


@bp.get("/lapor")
def guest_report():
    return render_template_string(PLACEHOLDER, t="Lapor")


@bp.get("/tracking")
def tracking():
    return render_template_string(PLACEHOLDER, t="Tracking")


@bp.get("/tracking/<nomor>")
def tracking_detail(nomor):
    return render_template_string(PLACEHOLDER, t=nomor)


@bp.get("/riwayat")
def history():
    return render_template_string(PLACEHOLDER, t="Riwayat")
