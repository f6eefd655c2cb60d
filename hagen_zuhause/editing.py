"""The one edit flow of create and edit pages (function views; NetBox's ``ObjectEditView`` is the idea).

The view looks the record up in scope (404 outside it), builds the form and hands both to ``edit_page``:
a valid POST calls the service inside one transaction, guarded against a double submit on create
pages (``hagen_zuhause.submit_once``); a ``ValidationError`` of the service (a stale version, a rule)
is shown on the form; success redirects with a message. A GET, or a refused POST, renders the page.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render, resolve_url
from django.utils.translation import gettext as _

from hagen_zuhause import submit_once


def add_service_error(form, error, field=None):
    """Show a service's ValidationError on the form (fields the form lacks become general errors).

    ``field`` takes the errors that name no field (an upload's refusal belongs to the file).
    """
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else field, errors)
    else:
        form.add_error(field, error)


def refused(request, error, redirect_to):
    """A service's refusal of a POST-only action as an error message, back to ``redirect_to``."""
    messages.error(request, " ".join(error.messages))
    return redirect(redirect_to)


def edit_page(
    request,
    form,
    *,
    save,
    template,
    success_url,
    success_message,
    context=None,
    creating=False,
    is_valid=None,
    after_save=None,
    error_field=None,
):
    """Render or save one create/edit form.

    ``save(form)`` calls the service and returns the saved record; ``success_url(saved)`` is where the
    user goes next (a URL, a URL name or a model); ``success_message`` is a text or a function of the
    saved record. ``creating`` guards the form against a double submit: a second submit of the same
    form leads where the first one did. ``is_valid`` replaces ``form.is_valid`` when more belongs to
    the form (formsets) or the POST only re-shows it; ``after_save(saved)`` adds messages;
    ``error_field`` is the field a general refusal of the service is shown at.
    ``context`` is a dict, or a function called only when the page is rendered (for what must not
    happen on a successful save, such as an access-log row).
    """
    token = submit_once.posted_token(request) if creating and request.method == "POST" else ""
    earlier = submit_once.earlier_result(request, token)
    if earlier:
        return _already_saved(request, earlier)
    if request.method == "POST" and (is_valid or form.is_valid)():
        try:
            with transaction.atomic():
                claimed = submit_once.claim(request, token) if creating else None
                saved = save(form)
                url = resolve_url(success_url(saved))
                submit_once.record(claimed, url)
        except submit_once.AlreadySaved as done:
            return _already_saved(request, done.url)
        except ValidationError as error:
            add_service_error(form, error, error_field)
        else:
            messages.success(request, success_message(saved) if callable(success_message) else success_message)
            if after_save is not None:
                after_save(saved)
            return redirect(url)
    context = dict((context() if callable(context) else context) or {})
    if creating:
        context[submit_once.FIELD] = submit_once.new_token(request)
    return render(request, template, {"form": form, **context})


def _already_saved(request, url):
    messages.info(request, _("This form has already been saved."))
    return redirect(url)
