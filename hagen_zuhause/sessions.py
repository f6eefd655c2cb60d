"""The session engine (``SESSION_ENGINE``): database sessions that record their user.

As in Django's documentation, "Extending database-backed session engines": the user column lets
``sessions_end`` delete one user's sessions without decoding every session of the installation.
"""

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DBStore


class SessionStore(DBStore):
    @classmethod
    def get_model_class(cls):
        from hagen_zuhause.models import UserSession

        return UserSession

    def create_model_instance(self, data):
        session = super().create_model_instance(data)
        try:
            session.user_id = int(data.get(SESSION_KEY))
        except (TypeError, ValueError):
            session.user_id = None
        return session
