"""Create the desk's roles: journalists, editors and moderators, with their permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

JOURNALIST = [
    "articles.add_article", "articles.change_article", "articles.view_article",
    "articles.delete_article", "articles.preview_article",
    "articles.add_byline", "articles.change_byline", "articles.delete_byline",
    "articles.view_byline",
    "articles.add_quote", "articles.change_quote", "articles.delete_quote", "articles.view_quote",
    "articles.add_editorialnote", "articles.change_editorialnote",
    "articles.delete_editorialnote", "articles.view_editorialnote",
    "articles.view_section", "articles.view_author", "articles.view_speaker",
    "articles.view_organisation",
    "taggit.view_tag", "taggit.add_tag",
]
EDITOR = JOURNALIST + [
    "articles.publish_article",
    "articles.add_section", "articles.change_section", "articles.delete_section",
    "articles.add_author", "articles.change_author", "articles.delete_author",
    "articles.add_speaker", "articles.change_speaker", "articles.delete_speaker",
    "articles.add_organisation", "articles.change_organisation",
    "articles.delete_organisation",
    "taggit.change_tag", "taggit.delete_tag",
]
ROLES = {"Journalists": JOURNALIST, "Editors": EDITOR, "Moderators": []}


def create_roles(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        for dotted in codenames:
            app_label, codename = dotted.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
