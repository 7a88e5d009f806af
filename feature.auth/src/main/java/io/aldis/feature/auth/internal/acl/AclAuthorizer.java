package io.aldis.feature.auth.internal.acl;

import io.aldis.protocol.api.QuotedText;
import io.aldis.protocol.api.spi.auth.AuthenticatedUser;
import io.aldis.protocol.api.spi.auth.Authorizer;
import io.aldis.protocol.api.spi.config.ConfigValues;
import io.aldis.protocol.api.spi.config.InvalidConfigurationException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The node's permission model: an ordered list of allow and deny rules, read from the
 * configuration {@value #PID}. The rules are tried in the order of their numbers and the first
 * rule that concerns the user, the domain and the action and whose pattern matches the resource
 * decides; when none does, the answer is no.
 *
 * <p>{@link #permits} is meant for hot paths: patterns are compiled when the configuration is
 * read, each user's applicable rules are sorted into a table per (domain, action) once and kept
 * in a bounded cache, and matching allocates nothing. A configuration change replaces the rules
 * and the cache at once.
 */
// Immediate, so that a bad rule is reported when the configuration is read, not at first use.
@Component(service = {Authorizer.class, AclAuthorizer.class}, configurationPid = AclAuthorizer.PID, immediate = true)
@Designate(ocd = AclAuthorizer.Config.class)
public final class AclAuthorizer implements Authorizer {
    /** The configuration PID. */
    public static final String PID = "io.aldis.auth.acl";

    /** The rules in force when the configuration has no {@code rule.*} entry. */
    public static final Map<String, String> DEFAULT_RULES;

    static {
        Map<String, String> defaults = new LinkedHashMap<>();
        defaults.put("rule.10", "allow role:admin * * >");
        defaults.put("rule.20", "allow role:admin pubsub * $sys.>");
        defaults.put("rule.25", "allow role:admin messages * $sys.>");
        defaults.put("rule.30", "allow * pubsub publish,subscribe >");
        defaults.put("rule.40", "allow * rpc call,provide >");
        defaults.put("rule.50", "allow * files read,write,list,delete >");
        defaults.put("rule.60", "allow * messages send >");
        DEFAULT_RULES = java.util.Collections.unmodifiableMap(defaults);
    }

    static final int DEFAULT_CACHE_SIZE = 1024;
    static final String CACHE_SIZE_KEY = "cache.size";

    private static final System.Logger LOG = System.getLogger(AclAuthorizer.class.getName());
    /** Changes of the rules are audited with the console's changes of users and sessions. */
    private static final System.Logger AUDIT = System.getLogger("io.aldis.audit");
    private static final Entry[] NONE = new Entry[0];

    /** Configuration of the access-control list; the rules themselves are the rule.* entries. */
    @ObjectClassDefinition(name = "Aldis access control",
            description = "Allow and deny rules: rule.<number> = <allow|deny> <principal> <domain> <actions> <pattern>, "
                    + "tried in the order of their numbers; the first that matches decides.")
    public @interface Config {
        @AttributeDefinition(name = "Cache size",
                description = "How many users' rule tables are kept; 0 computes them on every check.")
        int cache_size() default DEFAULT_CACHE_SIZE;
    }

    private volatile Acl acl;

    /**
     * Reads the configuration in OSGi. Each rule is checked on its own (see {@link Acl#load}); a
     * bad {@code cache.size} is logged in one line and the default size is used instead.
     */
    @Activate
    public AclAuthorizer(Map<String, Object> properties) {
        ConfigValues values = new ConfigValues(properties, PID);
        this.acl = Acl.load(cacheSize(values, DEFAULT_CACHE_SIZE), properties, values.source());
        warnAboutUnknownKeys(values, properties);
    }

    /**
     * Builds an authorizer outside OSGi.
     *
     * @param cacheSize  how many users' rule tables to keep
     * @param properties the configuration; its {@code rule.*} entries are the rules
     */
    public AclAuthorizer(int cacheSize, Map<String, ?> properties) {
        this.acl = Acl.load(cacheSize, properties, PID);
    }

    /** Applies a changed configuration through the same checks; a bad {@code cache.size} keeps the size in force. */
    @Modified
    void modified(Map<String, Object> properties) {
        ConfigValues values = new ConfigValues(properties, PID);
        this.acl = Acl.load(cacheSize(values, acl.cacheSize), properties, values.source());
        warnAboutUnknownKeys(values, properties);
        Acl now = acl;
        AUDIT.log(Level.INFO, "ACL {0} changed: {1} rules in force{2}, {3} skipped", PID, now.rules.size(),
                now.defaults ? " (the built-in defaults)" : "", now.problems.size());
    }

    /** Replaces the rules (and forgets every cached table). */
    public void update(int cacheSize, Map<String, ?> properties) {
        this.acl = Acl.load(cacheSize, properties, PID);
    }

    /** The configured cache size, or the one given when the configured value is refused. */
    static int cacheSize(ConfigValues values, int inForce) {
        try {
            return values.integer(CACHE_SIZE_KEY, DEFAULT_CACHE_SIZE, 0, Integer.MAX_VALUE);
        } catch (InvalidConfigurationException e) {
            LOG.log(Level.ERROR, "Rejected {0}; the cache size stays {1}", e.getMessage(),
                    Integer.toString(inForce));
            return inForce;
        }
    }

    /** Keys that are neither rules nor {@code cache.size}; most likely a misspelt {@code rule.}. */
    static List<String> unknownKeys(ConfigValues values, Map<String, ?> properties) {
        Set<String> known = new HashSet<>();
        known.add(CACHE_SIZE_KEY);
        properties.keySet().stream().filter(AclRule::isRuleKey).forEach(known::add);
        return values.unknownKeys(known);
    }

    private static void warnAboutUnknownKeys(ConfigValues values, Map<String, ?> properties) {
        for (String key : unknownKeys(values, properties)) {
            LOG.log(Level.WARNING, "{0}: unknown key {1} is ignored (the keys are rule.<number> and {2})",
                    values.source(), QuotedText.of(key, 64), CACHE_SIZE_KEY);
        }
    }

    /** The rules in evaluation order. */
    public List<AclRule> rules() {
        return acl.rules;
    }

    /** Whether the built-in defaults are in force, because the configuration has no rule. */
    public boolean usingDefaults() {
        return acl.defaults;
    }

    /** The rules that were skipped, each as {@code key: reason}. */
    public List<String> problems() {
        return acl.problems;
    }

    @Override
    public boolean permits(AuthenticatedUser user, String domain, String resource, String action) {
        if (user == null || domain == null || resource == null || action == null) {
            return false;
        }
        AclDomain d = AclDomain.of(domain);
        if (d == null) {
            return false;
        }
        if (d == AclDomain.PUBSUB && SubjectPattern.isPattern(resource)) {
            // A wildcard passed as a subject is judged as the pattern it is.
            return permitsAll(user, domain, resource, action);
        }
        AclRule rule = decide(acl, user, d, resource, action);
        return rule != null && rule.allow();
    }

    /**
     * The rule that decides a concrete request, or null when no rule matches (and the request is
     * denied). A pub/sub subject with wildcards is matched token by token as if it were concrete.
     */
    public AclRule decidingRule(AuthenticatedUser user, String domain, String resource, String action) {
        AclDomain d = AclDomain.of(domain);
        return d == null ? null : decide(acl, user, d, resource, action);
    }

    private static AclRule decide(Acl acl, AuthenticatedUser user, AclDomain d, String resource, String action) {
        for (Entry entry : acl.entries(user, d, action)) {
            if (entry.pattern.matches(resource)) {
                return entry.rule;
            }
        }
        return null;
    }

    /**
     * True only when every resource the pattern can match is allowed: the rules are walked in
     * order; a deny rule that may overlap the pattern answers false, an allow rule that covers
     * it answers true (every earlier rule that overlapped it was an allow), and rules that do not
     * overlap it are passed over. Reaching the end answers false.
     */
    @Override
    public boolean permitsAll(AuthenticatedUser user, String domain, String pattern, String action) {
        if (user == null || domain == null || pattern == null || action == null) {
            return false;
        }
        AclDomain d = AclDomain.of(domain);
        if (d == null) {
            return false;
        }
        ResourcePattern requested;
        try {
            requested = d.compile(pattern);
        } catch (IllegalArgumentException e) {
            return false;
        }
        for (Entry entry : acl.entries(user, d, action)) {
            if (!entry.pattern.overlaps(requested)) {
                continue;
            }
            if (!entry.rule.allow()) {
                return false;
            }
            if (entry.pattern.covers(requested)) {
                return true;
            }
        }
        return false;
    }

    /** A rule together with its pattern in one domain. */
    private static final class Entry {
        final AclRule rule;
        final ResourcePattern pattern;

        Entry(AclRule rule, ResourcePattern pattern) {
            this.rule = rule;
            this.pattern = pattern;
        }
    }

    /** One configuration: the rules, what was skipped, and the per-user tables built from them. */
    private static final class Acl {
        final List<AclRule> rules;
        final List<String> problems;
        final boolean defaults;
        final int cacheSize;
        final ConcurrentHashMap<AuthenticatedUser, Entry[][]> cache = new ConcurrentHashMap<>();

        private Acl(List<AclRule> rules, List<String> problems, boolean defaults, int cacheSize) {
            this.rules = rules;
            this.problems = problems;
            this.defaults = defaults;
            this.cacheSize = Math.max(0, cacheSize);
        }

        /**
         * Reads the rules; each is checked on its own, and one that cannot be parsed is skipped
         * with one line naming the source, its key and its value, so the other rules still apply.
         */
        static Acl load(int cacheSize, Map<String, ?> properties, String source) {
            Map<String, Object> configured = new LinkedHashMap<>();
            if (properties != null) {
                properties.forEach((key, value) -> {
                    if (AclRule.isRuleKey(key)) {
                        configured.put(key, value);
                    }
                });
            }
            boolean defaults = configured.isEmpty();
            if (defaults) {
                configured.putAll(DEFAULT_RULES);
            }
            List<AclRule> rules = new ArrayList<>();
            List<String> problems = new ArrayList<>();
            for (Map.Entry<String, Object> line : configured.entrySet()) {
                try {
                    if (!(line.getValue() instanceof String)) {
                        throw new IllegalArgumentException("value must be a single string");
                    }
                    rules.add(AclRule.parse(line.getKey(), (String) line.getValue()));
                } catch (IllegalArgumentException e) {
                    problems.add(line.getKey() + ": " + e.getMessage());
                    LOG.log(Level.ERROR, "{0}: {1} = {2}: {3}; the rule is skipped", source, line.getKey(),
                            shown(line.getValue()), e.getMessage());
                }
            }
            rules.sort(Comparator.comparingInt(AclRule::number).thenComparing(AclRule::key));
            problems.sort(null);
            if (defaults) {
                LOG.log(Level.INFO, "No rule in {0}; using the built-in defaults", source);
            } else {
                LOG.log(Level.INFO, "{0}: {1} rules in force, {2} skipped", source, rules.size(), problems.size());
            }
            return new Acl(List.copyOf(rules), List.copyOf(problems), defaults, cacheSize);
        }

        private static String shown(Object value) {
            return value instanceof String[] array ? String.join(",", array) : String.valueOf(value);
        }

        /** The rules for this user, domain and action, in order, each with its compiled pattern. */
        Entry[] entries(AuthenticatedUser user, AclDomain d, String action) {
            int pair = d.pair(action);
            if (pair < 0) {
                return build(user, d, action); // an action no rule names explicitly: rare, not cached
            }
            Entry[][] tables = cache.get(user);
            if (tables == null) {
                tables = new Entry[AclDomain.PAIRS][];
                for (AclDomain each : AclDomain.values()) {
                    for (String a : each.actions()) {
                        tables[each.pair(a)] = build(user, each, a);
                    }
                }
                if (cacheSize > 0) {
                    if (cache.size() >= cacheSize) {
                        cache.clear();
                    }
                    cache.put(user, tables);
                }
            }
            return tables[pair];
        }

        private Entry[] build(AuthenticatedUser user, AclDomain d, String action) {
            List<Entry> entries = new ArrayList<>();
            for (AclRule rule : rules) {
                ResourcePattern pattern = rule.patternFor(d);
                if (pattern != null && rule.coversAction(action) && rule.concerns(user)) {
                    entries.add(new Entry(rule, pattern));
                }
            }
            return entries.isEmpty() ? NONE : entries.toArray(NONE);
        }
    }
}
