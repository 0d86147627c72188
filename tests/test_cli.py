"""Maintenance commands."""
from buurtbemiddeling.auth import users

from .conftest import PASSWORD


def test_create_user_reads_the_password_from_stdin(app, store):
    result = app.test_cli_runner().invoke(args=["create-user", "Co@Example.nl", "--role", "coordinator", "--password-stdin"],
                                          input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert users.authenticate(store, "co@example.nl", PASSWORD).role == "coordinator"


def test_create_user_refuses_a_short_password_with_a_dutch_message(app):
    result = app.test_cli_runner().invoke(args=["create-user", "co@example.nl", "--password-stdin"], input="kort\n")
    assert result.exit_code != 0 and "minstens" in result.output


def test_backup_and_restore_bring_back_the_data(app, store):
    runner = app.test_cli_runner()
    users.create_user(store, "a@example.nl", PASSWORD, "coordinator")
    assert runner.invoke(args=["backup"]).exit_code == 0
    users.create_user(store, "b@example.nl", PASSWORD, "volunteer")
    result = runner.invoke(args=["restore", "--yes"])
    assert result.exit_code == 0, result.output
    emails = {doc["email"] for doc in store.read().table("users").all()}
    assert emails == {"a@example.nl"}


def test_build_site_rebuilds_the_public_site_with_the_instance_data(app, tmp_path):
    out = tmp_path / "public"
    app.config["PUBLIC_DIR"] = str(out)
    result = app.test_cli_runner().invoke(args=["build-site"])
    assert result.exit_code == 0, result.output
    assert (out / "index.html").is_file() and (out / "melding-doen" / "index.html").is_file()


def test_many_apps_in_one_process_leave_the_commands_working(tmp_path):
    # The command objects are shared: each app must not wrap them once more (RecursionError after ~300 apps).
    from app import create_app

    for n in range(400):
        app = create_app({"INSTANCE_PATH": tmp_path / "i", "TESTING": True, "SECRET_KEY": "x"})
    assert app.test_cli_runner().invoke(args=["backup"]).exit_code == 0
