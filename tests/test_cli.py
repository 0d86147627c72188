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


def _wrapping_depth(callback) -> int:
    depth = 0
    while hasattr(callback, "__wrapped__"):
        callback, depth = callback.__wrapped__, depth + 1
    return depth


def test_many_apps_in_one_process_leave_the_commands_working(tmp_path):
    # Most command objects are module-level, shared by every app of the process: an app that wrapped
    # them once more grew each callback's chain of wrappers by two per app (RecursionError after ~300
    # apps). So another app must leave a shared command's callback as it was, the very same object,
    # and no command's chain of wrappers may be longer than after the first app.
    from app import create_app

    def make_app():
        return create_app({"INSTANCE_PATH": tmp_path / "i", "TESTING": True, "SECRET_KEY": "x"})

    first = dict(make_app().cli.commands)
    depth = {name: _wrapping_depth(command.callback) for name, command in first.items()}
    callbacks = {name: command.callback for name, command in first.items()}
    for _ in range(3):
        app = make_app()
    commands = app.cli.commands
    shared = {name for name, command in commands.items() if first.get(name) is command}
    assert {"backup", "restore", "create-user", "build-site"} <= shared
    assert {name: commands[name].callback for name in shared} == {name: callbacks[name] for name in shared}
    assert {name: _wrapping_depth(command.callback) for name, command in commands.items()} == depth
    assert app.test_cli_runner().invoke(args=["backup"]).exit_code == 0
