from axes.backends import AxesStandaloneBackend


class LoginThrottleBackend(AxesStandaloneBackend):
    """django-axes' lockout check for every sign-in that comes with a request.

    Every web sign-in does (the admin's login view passes it). A call without one, such as
    the test client's login() or a management command, has no address to throttle; axes
    would raise for it, so it is left to the next backend instead.
    """

    def authenticate(self, request=None, *args, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, *args, **kwargs)
