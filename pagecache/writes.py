"""Model and queryset methods through which every write refreshes the cached pages it affects.

A model of pagecache/invalidation.py's table inherits `InvalidatingModel` and uses an
`InvalidatingQuerySet` (or one built on it): saving or deleting an instance, and updating,
deleting or creating rows in bulk, then call `invalidate_rows` with what changed. Nothing to
remember for whoever writes: the desk, a moderator, the shell, a script.
"""

from django.db import models

from pagecache.invalidation import affects, invalidate_rows


class InvalidatingQuerySet(models.QuerySet):
    def _affected(self):
        """Return what the rows about to change show (their articles' ids), before they do."""
        field = affects(self.model).article
        return [] if field is None else list(self.values_list(field, flat=True).order_by())

    def update(self, **kwargs):
        affected = self._affected()
        count = super().update(**kwargs)
        if count:
            invalidate_rows(self.model, affected)
        return count

    update.alters_data = True

    def delete(self):
        affected = self._affected()
        result = super().delete()
        if result[0]:
            invalidate_rows(self.model, affected)
        return result

    delete.alters_data = True
    delete.queryset_only = True

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        if created:
            invalidate_rows(self.model, created)
        return created

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        count = super().bulk_update(objs, fields, *args, **kwargs)
        if count:
            invalidate_rows(self.model, objs)
        return count


class InvalidatingModel(models.Model):
    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        invalidate_rows(type(self), [self])

    def delete(self, *args, **kwargs):
        field = affects(type(self)).article
        shown = [getattr(self, field)] if field else []  # deleting forgets the pk
        result = super().delete(*args, **kwargs)
        invalidate_rows(type(self), shown)
        return result
