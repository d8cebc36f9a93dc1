"""Let moderators and editors sanction commenters, list the sanctions and revoke them."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# Read by tests/conftest.py (desk_roles), which recreates the groups after a flush.
SANCTIONS = ["view_sanction", "add_sanction", "change_sanction"]


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="comments", codename__in=SANCTIONS
    )
    assert permissions.count() == len(SANCTIONS)
    for name in ("Moderators", "Editors"):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="comments", codename__in=SANCTIONS
    )
    for group in Group.objects.filter(name__in=["Moderators", "Editors"]):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [("comments", "0004_sanctions_and_states")]

    operations = [migrations.RunPython(grant, revoke)]
