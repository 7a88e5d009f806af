package io.aldis.feature.cluster.internal.sessions;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.topic.ITopic;
import com.hazelcast.topic.Message;
import io.aldis.protocol.api.spi.node.ResumeGrant;
import io.aldis.protocol.api.spi.node.ResumeTokenStore;
import io.aldis.protocol.api.spi.node.SessionRegistry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Resume tokens kept in the cluster, so that a client resumes on any node: each grant in a
 * Hazelcast map under its token's key, which drops it when it expires, and each user's keys in a
 * second map, changed only under a cluster-wide lock on the user's name, which keeps the per-user
 * cap and lets a change of credentials revoke every token of the user wherever it was issued.
 * A revoked grant's entry is marked revoked until the grant would have expired, so that a resume
 * reads one entry, which every member of a cluster of three holds a copy of, and never waits for
 * a member that just died (Hazelcast reads a copy only of an entry that is there: a miss asks the
 * owner). Revocations are also remembered apart (a map of revoked keys, and per user the time
 * before which all were revoked), as long as the revoked grants could live, so that neither a node
 * handing its grants over again nor a healed split, whose merge keeps what either side had, brings
 * one back: a member that merged back marks again every grant they revoke.
 * A session resumed on one node ends the sessions with the same token on the others, through a
 * topic every node listens to. Each announcement carries the id of the store that made it, so a
 * node knows its own even after Hazelcast gave its member a new identity (a split-brain merge
 * does).
 *
 * <p>Only strings cross between members (see {@link GrantCodec}), so Hazelcast never needs a class
 * of this bundle.
 */
public final class SharedResumeTokens implements ResumeTokenStore, AutoCloseable {
    /** The map of grants, by key. */
    public static final String GRANTS = "aldis.resume.grants";
    /** Per user, the keys of the user's grants, changed under the user's lock. */
    public static final String USERS = "aldis.resume.users";
    static final String RESUMED = "aldis.resume.resumed";
    /** What a revoked grant's entry holds until the grant would have expired: never a grant's text, which has five lines. */
    static final String REVOKED_MARK = "revoked";
    /** Keys of revoked grants, each kept until the grant would have expired. */
    public static final String REVOKED = "aldis.resume.revoked";
    /** Per user, the time before which every grant of the user was revoked, kept as long as such a grant could live. */
    public static final String USERS_REVOKED = "aldis.resume.users-revoked";
    /**
     * The maps a resume reads, each entry kept on this many members besides its owner: with three
     * members or fewer, every member holds every entry, so a resume never waits for a dead owner.
     */
    public static final int RESUME_BACKUPS = 2;
    private static final System.Logger LOG = System.getLogger("io.aldis.cluster");

    private final IMap<String, String> grants;
    private final IMap<String, String> users;
    private final IMap<String, String> revoked;
    private final IMap<String, Long> usersRevoked;
    private final ITopic<String> resumed;
    private final UUID listener;
    private final Supplier<SessionRegistry> sessions;
    /** Made here rather than taken from the member, whose UUID changes when a split heals. */
    private final String origin = UUID.randomUUID().toString();

    /**
     * @param sessions this node's sessions, asked each time a session resumed on another node
     *                 ({@code null} answers: none to end)
     */
    public SharedResumeTokens(HazelcastInstance hazelcast, Supplier<SessionRegistry> sessions) {
        this.grants = hazelcast.getMap(GRANTS);
        this.users = hazelcast.getMap(USERS);
        this.revoked = hazelcast.getMap(REVOKED);
        this.usersRevoked = hazelcast.getMap(USERS_REVOKED);
        this.resumed = hazelcast.getTopic(RESUMED);
        this.sessions = sessions;
        this.listener = resumed.addMessageListener(this::heard);
    }

    @Override
    public void put(ResumeGrant grant, int maxPerUser) {
        long ttl = grant.expiresAt() - System.currentTimeMillis();
        if (ttl <= 0) {
            return;
        }
        users.lock(grant.user());
        try {
            if (isRevoked(grant) || REVOKED_MARK.equals(grants.get(grant.key()))) {
                return; // a node handing its tokens over again must not bring back a revoked one
            }
            grants.set(grant.key(), GrantCodec.encode(grant), ttl, TimeUnit.MILLISECONDS);
            Set<String> keys = keysOf(grant.user());
            keys.add(grant.key());
            List<ResumeGrant> live = liveAmong(keys);
            while (live.size() > Math.max(1, maxPerUser)) {
                grants.delete(live.remove(0).key());
            }
            list(grant.user(), live);
        } finally {
            users.unlock(grant.user());
        }
    }

    /**
     * The grants still kept under {@code keys}, oldest first: expired and revoked ones are left out.
     * Called under the user's lock.
     */
    private List<ResumeGrant> liveAmong(Set<String> keys) {
        Map<String, String> kept = grants.getAll(keys);
        long now = System.currentTimeMillis();
        List<ResumeGrant> live = new ArrayList<>();
        for (String value : kept.values()) {
            if (!REVOKED_MARK.equals(value)) {
                ResumeGrant grant = GrantCodec.decode(value);
                if (grant.expiresAt() > now) {
                    live.add(grant);
                }
            }
        }
        live.sort(Comparator.comparingLong(ResumeGrant::issuedAt));
        return live;
    }

    /** Writes the user's list of keys: those of {@code live}, kept as long as the last of them. Called under the user's lock. */
    private void list(String user, List<ResumeGrant> live) {
        if (live.isEmpty()) {
            users.delete(user);
            return;
        }
        long lastExpiry = live.stream().mapToLong(ResumeGrant::expiresAt).max().getAsLong();
        users.set(user, String.join(" ", live.stream().map(ResumeGrant::key).toList()),
                Math.max(1, lastExpiry - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
    }

    /**
     * The grant under {@code key}, read from this member's copy when it holds one. Its entry alone
     * says whether it was revoked: every revocation marks the entries of the grants it voids (a
     * user's revocation those its list of keys names), under the user's lock, which {@link #put}
     * takes as well.
     */
    @Override
    public Optional<ResumeGrant> get(String key) {
        String value = grants.get(key);
        if (value == null || REVOKED_MARK.equals(value)) {
            return Optional.empty();
        }
        ResumeGrant grant = GrantCodec.decode(value);
        if (grant.expiresAt() <= System.currentTimeMillis()) {
            return Optional.empty();
        }
        return Optional.of(grant);
    }

    private boolean isRevoked(ResumeGrant grant) {
        Long before = usersRevoked.get(grant.user());
        return revoked.containsKey(grant.key()) || before != null && grant.issuedAt() < before;
    }

    @Override
    public boolean remove(String key) {
        String value = grants.get(key);
        if (value == null || REVOKED_MARK.equals(value)) {
            return false;
        }
        ResumeGrant grant = GrantCodec.decode(value);
        // Under the user's lock, so that a node handing the grant over again at this moment either
        // finds it revoked or is overwritten by the mark.
        users.lock(grant.user());
        try {
            long ttl = grant.expiresAt() - System.currentTimeMillis();
            if (ttl <= 0) {
                grants.delete(key);
                return true;
            }
            revoked.set(key, "", ttl, TimeUnit.MILLISECONDS);
            grants.set(key, REVOKED_MARK, ttl, TimeUnit.MILLISECONDS);
            return true;
        } finally {
            users.unlock(grant.user());
        }
    }

    @Override
    public int removeUser(String user) {
        users.lock(user);
        try {
            long now = System.currentTimeMillis();
            // The user's entry lives as long as the user's last grant: so long must the revocation.
            var entry = users.getEntryView(user);
            long ttl = entry == null ? 0 : entry.getExpirationTime() - now;
            if (ttl > 0) {
                usersRevoked.set(user, now, ttl, TimeUnit.MILLISECONDS);
            }
            int removed = 0;
            for (String key : keysOf(user)) {
                if (markRevoked(key, now)) {
                    removed++;
                }
            }
            users.delete(user);
            return removed;
        } finally {
            users.unlock(user);
        }
    }

    /** Marks the grant under {@code key} revoked, when it is there and has not expired; whether it did. */
    private boolean markRevoked(String key, long now) {
        String value = grants.get(key);
        if (value == null || REVOKED_MARK.equals(value)) {
            return false;
        }
        long ttl = GrantCodec.decode(value).expiresAt() - now;
        if (ttl <= 0) {
            grants.delete(key);
            return false;
        }
        grants.set(key, REVOKED_MARK, ttl, TimeUnit.MILLISECONDS);
        return true;
    }

    /**
     * Marks again every grant a remembered revocation voids, and lists every other grant under its
     * user again. A member calls it once it merged back after a split: the merge keeps the entry of
     * the side merged into when both sides have one, so a grant revoked on the merging side may have
     * come back unmarked, and a user's list may name only one side's grants. It reads every grant
     * into memory at once.
     *
     * @return how many grants it marked
     */
    public int markRevokedAgain() {
        Set<String> revokedKeys = revoked.keySet();
        Map<String, Long> usersBefore = Map.copyOf(usersRevoked);
        long now = System.currentTimeMillis();
        int marked = 0;
        Map<String, List<String>> liveByUser = new HashMap<>();
        for (Map.Entry<String, String> entry : grants.entrySet()) {
            if (REVOKED_MARK.equals(entry.getValue())) {
                continue;
            }
            ResumeGrant grant = GrantCodec.decode(entry.getValue());
            Long before = usersBefore.get(grant.user());
            if (revokedKeys.contains(entry.getKey()) || before != null && grant.issuedAt() < before) {
                users.lock(grant.user());
                try {
                    if (markRevoked(entry.getKey(), now)) {
                        marked++;
                    }
                } finally {
                    users.unlock(grant.user());
                }
            } else {
                liveByUser.computeIfAbsent(grant.user(), u -> new ArrayList<>()).add(entry.getKey());
            }
        }
        // Each side listed only the grants it knew of, and the merge kept one side's list: every
        // grant is listed again, so that a later revocation of its user marks it too.
        for (Map.Entry<String, List<String>> user : liveByUser.entrySet()) {
            users.lock(user.getKey());
            try {
                Set<String> keys = keysOf(user.getKey());
                keys.addAll(user.getValue());
                list(user.getKey(), liveAmong(keys));
            } finally {
                users.unlock(user.getKey());
            }
        }
        return marked;
    }

    @Override
    public void resumed(String key) {
        resumed.publish(announcement(key));
    }

    /** What {@link #resumed} tells the other nodes: this store's id, a line break, the key. */
    String announcement(String key) {
        return origin + "\n" + key;
    }

    private Set<String> keysOf(String user) {
        String list = users.get(user);
        Set<String> keys = new LinkedHashSet<>();
        if (list != null && !list.isEmpty()) {
            keys.addAll(List.of(list.split(" ")));
        }
        return keys;
    }

    private void heard(Message<String> message) {
        resumedElsewhere(message.getMessageObject(), String.valueOf(message.getPublishingMember().getAddress()));
    }

    /**
     * Ends this node's sessions with the key another node announced.
     *
     * @param publisher the announcing member, for the log only: its identity is not this store's
     */
    void resumedElsewhere(String announcement, String publisher) {
        int lineBreak = announcement.indexOf('\n');
        if (lineBreak < 0) {
            LOG.log(System.Logger.Level.WARNING, "Ignored a resume announcement without its origin from {0}",
                    publisher);
            return;
        }
        if (announcement.substring(0, lineBreak).equals(origin)) {
            return; // the node where it resumed ended its own sessions with the token already
        }
        String key = announcement.substring(lineBreak + 1);
        SessionRegistry registry = sessions.get();
        if (registry != null) {
            int ended = registry.supersede(key);
            if (ended > 0) {
                LOG.log(System.Logger.Level.INFO, "Ended {0} session(s) whose client resumed on node {1}", ended,
                        publisher);
            }
        }
    }

    /** Stops ending sessions for the other nodes; the grants stay in the cluster. */
    @Override
    public void close() {
        try {
            resumed.removeMessageListener(listener);
        } catch (RuntimeException shuttingDown) {
            // Hazelcast is stopping: the listener goes with it.
        }
    }
}
