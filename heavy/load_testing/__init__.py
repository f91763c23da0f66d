"""Load tests that replay recorded sessions: the replay plan, the replaying client, the Locust user.

Only ``locust_user`` and ``locustfile`` import Locust (and with it gevent, which patches the
standard library of the process that imports it); the rest is plain Python, used by the
``heavy load-test`` command and the tests as well.
"""
