"""The reader's forms: a comment, a report. Every refusal says why, in the reader's language.

And the moderator's: a decision on one comment, a sanction against its author.
"""

import datetime as dt

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comments import antispam, moderation
from comments.models import Comment, Report, Sanction

# The reasons a moderator chooses from; "banned" is set by a ban only.
REFUSAL_CHOICES = [
    (value, label)
    for value, label in Comment.RefusalReason.choices
    if value != Comment.RefusalReason.BANNED
]


class CommentForm(forms.Form):
    display_name = forms.CharField(label=_("Name"), max_length=60)
    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        help_text=_("Never shown publicly."),
    )
    text = forms.CharField(
        label=_("Comment"),
        max_length=3000,
        min_length=2,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": 3000}),
    )
    # Left empty by people; bots fill every field they find.
    website = forms.CharField(label=_("Leave this field empty"), required=False)
    issued = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issued"].initial = antispam.issue_form_stamp()
        for name in ("display_name", "email", "text"):
            self.fields[name].widget.attrs["required"] = True

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("website"):
            raise forms.ValidationError(
                _("Your comment could not be sent. Please leave the last field empty."),
                code="honeypot",
            )
        age = antispam.form_age(cleaned.get("issued"))
        if age is None:
            raise forms.ValidationError(
                _("This form is not valid any more: please send your comment again."),
                code="stamp",
            )
        if age < settings.COMMENTS_MIN_FORM_SECONDS:
            raise forms.ValidationError(
                _("That was quick! Please read your comment over, then send it again."),
                code="too_fast",
            )
        if age > settings.COMMENTS_MAX_FORM_SECONDS:
            raise forms.ValidationError(
                _("This form was opened a long time ago: please send your comment again."),
                code="too_old",
            )
        return cleaned

    def renewed(self):
        """Return the same form, as typed, with a fresh stamp: nothing the reader wrote is lost."""
        data = self.data.copy()
        data["issued"] = antispam.issue_form_stamp()
        self.data = data
        return self


class ReportForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=Report.Reason.choices)
    explanation = forms.CharField(
        label=_("Explanation (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 1000}),
    )


class RefusalForm(forms.Form):
    refusal_reason = forms.ChoiceField(
        label=_("Reason for refusal"),
        choices=[("", "---------"), *REFUSAL_CHOICES],
        required=False,
    )


class DecisionForm(RefusalForm):
    """One click on a comment's button in the desk: the decision, the reason, where to go back."""

    decision = forms.ChoiceField(
        choices=[
            (d, d)
            for d in (
                moderation.APPROVE,
                moderation.REJECT,
                moderation.SPAM,
                moderation.KEEP,
                moderation.HIDE,
                moderation.RESTORE,
            )
        ]
    )
    # The state the moderator saw: a decision taken meanwhile by someone else is not overridden.
    seen = forms.ChoiceField(choices=Comment.State.choices, required=False)
    next = forms.CharField(required=False, max_length=2000)
    next_comment = forms.IntegerField(required=False, min_value=1)


class SanctionForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Sanction"),
        choices=Sanction.Kind.choices,
        widget=forms.RadioSelect,
        initial=Sanction.Kind.PREMODERATE,
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        help_text=_("For the other moderators; the commenter does not see it."),
    )
    last_day = forms.DateField(
        label=_("Until (included)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Leave empty for no end."),
    )

    def clean_last_day(self):
        day = self.cleaned_data["last_day"]
        if day is not None and day < timezone.localdate():
            raise forms.ValidationError(_("Choose today or a later day."))
        return day

    def ends_at(self):
        """Return the moment the sanction ends: the midnight after its last day, in Paris."""
        day = self.cleaned_data["last_day"]
        if day is None:
            return None
        midnight = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min)
        return timezone.make_aware(midnight)
