"""Give moderators and editors the moderation desk."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODERATION = [
    "view_comment", "change_comment", "moderate_comment",
    "view_report", "view_moderationevent",
    "view_bannedword", "add_bannedword", "change_bannedword", "delete_bannedword",
]  # fmt: skip


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="comments", codename__in=MODERATION
    )
    assert permissions.count() == len(MODERATION)
    for name in ("Moderators", "Editors"):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="comments", codename__in=MODERATION
    )
    for group in Group.objects.filter(name__in=["Moderators", "Editors"]):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0001_initial"),
        ("articles", "0002_desk_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
