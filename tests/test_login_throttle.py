"""Login throttling per account and per address: guessing one account's password is stopped
after ten tries a minute, while colleagues behind the same office address keep signing in."""


def attempt(client, identity) -> int:
    return client.post("/login", data={"identity": identity,
                                       "password": "Salah-Sekali-2026"}).status_code


def test_eleventh_attempt_on_one_account_is_refused(client, rate_limits_enabled):
    """Is the 11th attempt in a minute on one account refused (however its name is typed),
    while another account from the same address is still answered?"""
    statuses = [attempt(client, name) for name in ["siti"] * 5 + [" SITI "] * 6]
    assert statuses[:10] == [200] * 10 and statuses[10] == 429
    assert attempt(client, "budi") == 200


def test_one_office_address_is_not_locked_out_by_twenty_colleagues(client, rate_limits_enabled):
    """Do twenty sign-in attempts for twenty different accounts from one address all get an
    answer (the per-address limit is far above one account's)?"""
    assert [attempt(client, f"pegawai{n}") for n in range(20)] == [200] * 20


def test_the_address_limit_still_holds(app, client, rate_limits_enabled):
    """Is the 61st attempt in a minute from one address refused, whatever the accounts?"""
    assert app.config["RATE_LIMITS"]["login"] == "60 per minute"
    statuses = [attempt(client, f"pegawai{n}") for n in range(61)]
    assert statuses[:60] == [200] * 60 and statuses[60] == 429
