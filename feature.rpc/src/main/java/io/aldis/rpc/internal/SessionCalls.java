package io.aldis.rpc.internal;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** What the feature holds for one session: the calls it made and the services it provides. */
final class SessionCalls {
    final Map<Long, Call> calls = new ConcurrentHashMap<>();
    final Set<Provider> providers = ConcurrentHashMap.newKeySet();
}
