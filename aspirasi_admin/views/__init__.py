"""Back-office views, one module per subject: messages and their page, intake, evaluation,
master data and users. Each view names the roles it admits (see guards.RoleGuard)."""


def register(admin):
    """Add every role's views to `admin`."""
    from aspirasi_admin.views import (
        account,
        detail,
        evaluator,
        home_pictures,
        intake,
        master,
        messages,
        users,
    )

    for module in (messages, intake, detail, evaluator, master, home_pictures, users, account):
        module.register(admin)
