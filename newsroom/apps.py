from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _
from taggit import apps as taggit_apps


class NewsroomConfig(AppConfig):
    name = "newsroom"
    verbose_name = "Newsroom"


class DeskAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin, with the newsroom's desk as its site (newsroom/desk.py)."""

    default = False  # named in INSTALLED_APPS
    default_site = "newsroom.desk.DeskSite"


class TagsConfig(taggit_apps.TaggitAppConfig):
    """django-taggit, under a heading the desk can read ("Mots-clés", not "Taggit")."""

    default = False  # named in INSTALLED_APPS
    verbose_name = _("Tags")
