"""Restore can't half-happen: every table of a backup is checked before live data is touched,
then applied in one commit; problems are told in Dutch, never as a traceback."""
from __future__ import annotations

import hashlib
import subprocess
import sys

import orjson
import pytest

from buurtbemiddeling.auth import users
from db import Store
from db.backup import BackupError, backup, restore

from .conftest import PASSWORD
from .test_storage import WORKER

TABLES = ("cases", "people", "notes")


def _fill(store: Store, n: int) -> None:
    with store.transaction() as tx:
        for name in TABLES:
            tx.table(name).truncate()
            tx.table(name).insert_multiple({"n": n, "i": i} for i in range(5))


def _state(store: Store) -> dict:
    fresh = Store(store.data_dir)
    return {name: sorted((d["n"], d["i"]) for d in fresh.read().table(name).all()) for name in TABLES}


def _rewrite(backup_path, rel: str, data: bytes) -> None:
    """Change a file of the backup and its checksum, as if it had been saved that way."""
    (backup_path / rel).write_bytes(data)
    manifest = orjson.loads((backup_path / "manifest.json").read_bytes())
    manifest["files"][rel] = hashlib.sha256(data).hexdigest()
    (backup_path / "manifest.json").write_bytes(orjson.dumps(manifest))


@pytest.fixture
def saved(tmp_path):
    store = Store(tmp_path / "data")
    store.migrate()
    _fill(store, 1)
    path = backup(store)
    _fill(store, 2)  # the live data moved on after the backup
    return store, path


def test_a_backup_with_broken_json_and_a_matching_checksum_is_refused_and_nothing_changes(saved):
    store, path = saved
    _rewrite(path, "tables/people.json", b'{"people": {"1": {"n": 1,')
    with pytest.raises(BackupError, match="Tabel people .* beschadigd"):
        restore(store, path)
    assert _state(store) == {name: [(2, i) for i in range(5)] for name in TABLES}


def test_a_backup_whose_table_is_not_a_table_is_refused(saved):
    store, path = saved
    _rewrite(path, "tables/people.json", b'{"people": [1, 2, 3]}')
    with pytest.raises(BackupError, match="niet de vorm van een tabel"):
        restore(store, path)


def test_a_backup_with_a_missing_table_is_refused(saved):
    store, path = saved
    (path / "tables" / "notes.json").unlink()
    with pytest.raises(BackupError, match="onvolledig: tables/notes.json ontbreekt"):
        restore(store, path)
    assert _state(store)["notes"] == [(2, i) for i in range(5)]


def test_a_backup_from_a_newer_schema_version_is_refused(saved):
    store, path = saved
    manifest = orjson.loads((path / "manifest.json").read_bytes())
    _rewrite(path, "tables/_meta.json", orjson.dumps({"_meta": {"1": {"schema": manifest["schema"] + 1}}}))
    manifest = orjson.loads((path / "manifest.json").read_bytes())
    manifest["schema"] += 1
    (path / "manifest.json").write_bytes(orjson.dumps(manifest))
    with pytest.raises(BackupError, match="nieuwere versie van het programma"):
        restore(store, path)
    assert _state(store)["cases"] == [(2, i) for i in range(5)]


def test_a_backup_whose_meta_table_is_missing_from_the_list_is_refused(saved):
    store, path = saved
    manifest = orjson.loads((path / "manifest.json").read_bytes())
    del manifest["files"]["tables/_meta.json"]
    (path / "manifest.json").write_bytes(orjson.dumps(manifest))
    with pytest.raises(BackupError, match="_meta"):
        restore(store, path)


@pytest.mark.parametrize("point, expected", [("before-commit", 2), ("halfway", 1)])
def test_a_restore_killed_midway_leaves_the_old_data_or_the_whole_backup(saved, point, expected):
    store, path = saved
    proc = subprocess.run([sys.executable, str(WORKER), str(store.data_dir), "restore", str(path), point],
                          capture_output=True, timeout=60)
    assert proc.returncode == -9, proc.stderr
    assert _state(store) == {name: [(expected, i) for i in range(5)] for name in TABLES}


def test_restore_removes_tables_made_after_the_backup_in_the_same_commit(saved):
    store, path = saved
    with store.transaction() as tx:
        tx.table("later").insert({"x": 1})
    restore(store, path)
    assert "later" not in store.table_names()
    assert _state(store) == {name: [(1, i) for i in range(5)] for name in TABLES}


# -- through the command, as the coordinator's host runs it --------------------------------------

def test_the_restore_command_says_in_dutch_what_is_wrong_and_changes_nothing(app, store):
    runner = app.test_cli_runner()
    users.create_user(store, "a@example.nl", PASSWORD, "coordinator")
    path = backup(store)
    _rewrite(path, "tables/users.json", b"{not json")
    users.create_user(store, "b@example.nl", PASSWORD, "volunteer")
    result = runner.invoke(args=["restore", "--yes"])
    assert result.exit_code == 1
    assert "Tabel users in de reservekopie is beschadigd" in result.output and "Er is niets veranderd." in result.output
    assert "Traceback" not in result.output and result.exception.__class__.__name__ == "SystemExit"
    assert {d["email"] for d in store.read().table("users").all()} == {"a@example.nl", "b@example.nl"}


def test_the_restore_command_refuses_a_damaged_checksum_in_dutch(app, store):
    runner = app.test_cli_runner()
    path = backup(store)
    (path / "tables" / "_meta.json").write_bytes(b'{"_meta": {}}')
    result = runner.invoke(args=["restore", "--yes"])
    assert result.exit_code == 1 and "controlesom klopt niet" in result.output and "Traceback" not in result.output


def test_a_restore_keeps_passwords_and_two_step_login_as_they_are_and_ends_every_session(app, client, as_user, store):
    user = as_user.coordinator()
    path = backup(store)
    users.update(store, user.id, totp_enabled=True, totp_secret="sealed", name="Carla")
    users.set_password(store, user.id, "een nieuw lang wachtwoord")
    client.post("/beheer/inloggen", data={"email": user.email, "password": "een nieuw lang wachtwoord"})
    result = app.test_cli_runner().invoke(args=["restore", "--yes"])
    assert result.exit_code == 0, result.output
    doc = users.get_doc(store.read(), user.id)
    assert doc["totp_enabled"] is True and doc["totp_secret"] == "sealed"
    assert doc["name"] == "Carla Coördinator"  # ordinary data does come back from the backup
    assert users.authenticate(store, user.email, PASSWORD) is None
    assert users.authenticate(store, user.email, "een nieuw lang wachtwoord") is not None
    assert client.get("/beheer/mijn-account/").status_code == 302  # everyone logs in again
