"""Guessing second-factor codes: wrong codes are limited per sign-in round and per account,
and past the limit the half-finished sign-in is dropped, so even the right code completes
nothing until the password is entered again."""
from tests.helpers import PASSWORD, enrol_authenticator, totp_code

DROPPED = "Terlalu banyak kode yang salah"


def enrolled(client, login_as) -> str:
    login_as("op-dlh")
    return enrol_authenticator(client)


def enter_password(client) -> None:
    client.post("/logout")
    response = client.post("/login", data={"identity": "op-dlh", "password": PASSWORD})
    assert response.status_code == 302 and "/tf-validate" in response.headers["Location"]


def wrong_code(key: str) -> str:
    return f"{(int(totp_code(key)) + 500_000) % 1_000_000:06d}"


def is_signed_in_to_admin(client) -> bool:
    return client.get("/admin/").status_code == 200


def test_after_five_wrong_codes_the_half_sign_in_is_dropped(client, login_as,
                                                           rate_limits_enabled):
    """Are five wrong codes answered, the sixth refused with 429 and a message, and does the
    right code then lead back to the password instead of signing in?"""
    key = enrolled(client, login_as)
    enter_password(client)
    statuses = [client.post("/tf-validate", data={"code": wrong_code(key)}).status_code
                for _ in range(5)]
    assert statuses == [200] * 5
    refused = client.post("/tf-validate", data={"code": wrong_code(key)})
    assert refused.status_code == 429 and DROPPED in refused.get_data(as_text=True)
    right = client.post("/tf-validate", data={"code": totp_code(key)})
    assert right.status_code == 302 and "/login" in right.headers["Location"]
    assert not is_signed_in_to_admin(client)


def test_a_new_password_entry_allows_new_codes_until_the_account_limit(client, login_as,
                                                                       rate_limits_enabled):
    """After the password again, are codes answered once more, until ten wrong codes for the
    account refuse even a fresh round (and its right code)?"""
    key = enrolled(client, login_as)
    for _round in range(2):
        enter_password(client)
        for _ in range(5):
            assert client.post("/tf-validate", data={"code": wrong_code(key)}).status_code == 200
    enter_password(client)
    refused = client.post("/tf-validate", data={"code": totp_code(key)})
    assert refused.status_code == 429 and DROPPED in refused.get_data(as_text=True)
    assert not is_signed_in_to_admin(client)


def test_a_recovery_code_counts_against_the_same_limit(client, login_as, rate_limits_enabled):
    """Do wrong recovery codes and wrong authenticator codes share one count?"""
    key = enrolled(client, login_as)
    enter_password(client)
    for _ in range(3):
        assert client.post("/tf-validate", data={"code": wrong_code(key)}).status_code == 200
    client.post("/tf-rescue", data={"help_setup": "recovery_code"})
    for _ in range(2):
        assert client.post("/mf-recovery", data={"code": "0000-0000-0000"}).status_code == 200
    assert client.post("/mf-recovery", data={"code": "0000-0000-0000"}).status_code == 429


def test_a_few_mistyped_codes_still_admit_with_the_right_one(client, login_as,
                                                            rate_limits_enabled):
    """Is a person who mistypes four times still let in by the right code?"""
    key = enrolled(client, login_as)
    enter_password(client)
    for _ in range(4):
        assert client.post("/tf-validate", data={"code": wrong_code(key)}).status_code == 200
    assert client.post("/tf-validate", data={"code": totp_code(key)}).status_code == 302
    assert is_signed_in_to_admin(client)
