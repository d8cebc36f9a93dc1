"""The photo library: photos uploaded once and shown in the body of any article.

Journalists and editors add and change them (the desk's roles, as 0002_desk_roles created them);
editors also delete them.
"""

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

# What each role may do with the library, beside what 0002_desk_roles gave it.
PHOTOS = {
    "Journalists": ["articles.add_photo", "articles.change_photo", "articles.view_photo"],
    "Editors": [
        "articles.add_photo",
        "articles.change_photo",
        "articles.view_photo",
        "articles.delete_photo",
    ],
}


def give_photos(apps, schema_editor):
    app_config = apps.get_app_config("articles")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, dotted in PHOTOS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for label in dotted:
            app_label, codename = label.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def take_photos(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    codenames = {label.split(".")[1] for dotted in PHOTOS.values() for label in dotted}
    Permission.objects.filter(content_type__app_label="articles", codename__in=codenames).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0012_rendition_crops"),
        ("auth", "0012_alter_user_first_name_max_length"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Photo",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "image",
                    models.ImageField(
                        height_field="height",
                        help_text="JPEG, PNG or WebP.",
                        upload_to="library/%Y/%m/",
                        verbose_name="photo",
                        width_field="width",
                    ),
                ),
                ("width", models.PositiveIntegerField(blank=True, editable=False, null=True)),
                ("height", models.PositiveIntegerField(blank=True, editable=False, null=True)),
                ("renditions", models.JSONField(blank=True, default=dict, editable=False)),
                (
                    "caption",
                    models.CharField(
                        blank=True,
                        help_text="What the photo shows.",
                        max_length=300,
                        verbose_name="caption",
                    ),
                ),
                (
                    "credit",
                    models.CharField(
                        blank=True,
                        help_text="Photographer or agency.",
                        max_length=120,
                        verbose_name="photo credit",
                    ),
                ),
                (
                    "alt",
                    models.CharField(
                        help_text="Describes the photo for readers who cannot see it.",
                        max_length=300,
                        verbose_name="alternative text",
                    ),
                ),
                (
                    "focal_x",
                    models.FloatField(
                        default=0.5,
                        help_text=(
                            "Click the photo to set where its subject is: crops keep that point in."
                        ),
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(1),
                        ],
                        verbose_name="focal point, across",
                    ),
                ),
                (
                    "focal_y",
                    models.FloatField(
                        default=0.5,
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(1),
                        ],
                        verbose_name="focal point, down",
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now,
                        editable=False,
                        verbose_name="uploaded at",
                    ),
                ),
                (
                    "uploaded_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="uploaded by",
                    ),
                ),
            ],
            options={
                "verbose_name": "library photo",
                "verbose_name_plural": "photo library",
                "ordering": ["-created_at", "-pk"],
                "get_latest_by": "created_at",
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("focal_x__gte", 0),
                            ("focal_x__lte", 1),
                            ("focal_y__gte", 0),
                            ("focal_y__lte", 1),
                        ),
                        name="library_focal_point_inside_photo",
                        violation_error_message="The focal point must lie inside the photo.",
                    )
                ],
            },
        ),
        migrations.RunPython(give_photos, take_photos),
    ]
