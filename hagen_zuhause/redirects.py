"""Where a form sends the user back to: the ``next`` value, when it is a path of this site."""

from django.utils.http import url_has_allowed_host_and_scheme


def next_url(request, default):
    """The ``next`` value (POST, else GET) when it is a path on this host, else ``default``.

    Only paths: a bare word would be taken for a URL name by ``redirect()`` (and fail), another host
    would send the user off the site with what the page knew.
    """
    target = request.POST.get("next") or request.GET.get("next") or ""
    if (
        target.startswith("/")
        and not target.startswith("//")
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return default
