package io.aldis.feature.auth.internal.acl;

import io.aldis.protocol.api.QuotedText;
import io.aldis.protocol.api.spi.auth.AuthenticatedUser;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One rule of the access-control list: {@code rule.<number> = <allow|deny> <principal> <domain>
 * <actions> <pattern>}. Immutable; patterns are compiled once, for every domain the rule names.
 */
public final class AclRule {
    private static final Pattern KEY = Pattern.compile("rule\\.(\\d{1,9})");
    /** Code points of a reason kept, before line-breaking characters in it are escaped. */
    private static final int LONGEST_REASON = 160;

    /** Who a rule is about. */
    public enum PrincipalKind { ANY, USER, ROLE }

    private final String key;
    private final int number;
    private final boolean allow;
    private final PrincipalKind principalKind;
    private final String principalName;
    private final String domain;
    private final Set<String> actions;
    private final String pattern;
    private final Map<AclDomain, ResourcePattern> compiled;

    private AclRule(String key, int number, boolean allow, PrincipalKind principalKind, String principalName,
            String domain, Set<String> actions, String pattern, Map<AclDomain, ResourcePattern> compiled) {
        this.key = key;
        this.number = number;
        this.allow = allow;
        this.principalKind = principalKind;
        this.principalName = principalName;
        this.domain = domain;
        this.actions = actions;
        this.pattern = pattern;
        this.compiled = compiled;
    }

    /** Whether a configuration key names a rule, that is, starts with {@code rule.}. */
    static boolean isRuleKey(String key) {
        return key.startsWith("rule.");
    }

    /**
     * Parses one rule.
     *
     * @param key   the configuration key, {@code rule.<number>}
     * @param value the rule text
     * @throws IllegalArgumentException with a message that says what is wrong
     */
    public static AclRule parse(String key, String value) {
        try {
            return parseQuoting(key, value);
        } catch (IllegalArgumentException e) {
            // The reasons quote the rule as written: keep them on one bounded line in the log and the shell.
            throw new IllegalArgumentException(QuotedText.of(e.getMessage(), LONGEST_REASON), e);
        }
    }

    private static AclRule parseQuoting(String key, String value) {
        Matcher keyMatcher = KEY.matcher(key);
        if (!keyMatcher.matches()) {
            throw new IllegalArgumentException("key must be rule.<number> with up to 9 digits");
        }
        int number = Integer.parseInt(keyMatcher.group(1));
        String[] fields = value.trim().split("\\s+", 5);
        if (fields.length < 5 || fields[0].isEmpty()) {
            throw new IllegalArgumentException(
                    "expected '<allow|deny> <principal> <domain> <actions> <pattern>', found " + fields.length
                            + (fields.length == 1 ? " field" : " fields"));
        }
        boolean allow;
        switch (fields[0].toLowerCase(Locale.ROOT)) {
            case "allow":
                allow = true;
                break;
            case "deny":
                allow = false;
                break;
            default:
                throw new IllegalArgumentException("effect must be allow or deny, not '" + fields[0] + "'");
        }

        PrincipalKind kind;
        String name;
        String principal = fields[1];
        if (principal.equals("*")) {
            kind = PrincipalKind.ANY;
            name = null;
        } else if (principal.startsWith("user:") && principal.length() > 5) {
            kind = PrincipalKind.USER;
            name = principal.substring(5);
        } else if (principal.startsWith("role:") && principal.length() > 5) {
            kind = PrincipalKind.ROLE;
            name = principal.substring(5);
        } else {
            throw new IllegalArgumentException("principal must be user:NAME, role:NAME or *, not '" + principal + "'");
        }

        String domainText = fields[2].toLowerCase(Locale.ROOT);
        Set<AclDomain> domains;
        if (domainText.equals("*")) {
            domains = Set.of(AclDomain.values());
        } else {
            AclDomain single = AclDomain.of(domainText);
            if (single == null) {
                throw new IllegalArgumentException(
                        "domain must be pubsub, rpc, messages, files or *, not '" + fields[2] + "'");
            }
            domains = Set.of(single);
        }

        Set<String> actions;
        String actionText = fields[3].toLowerCase(Locale.ROOT);
        if (actionText.equals("*")) {
            actions = null;
        } else {
            actions = new LinkedHashSet<>();
            for (String action : actionText.split(",", -1)) {
                String trimmed = action.trim();
                boolean known = false;
                for (AclDomain d : domains) {
                    known |= d.actions().contains(trimmed);
                }
                if (!known) {
                    throw new IllegalArgumentException("unknown action '" + trimmed + "' for domain " + domainText
                            + " (known: " + knownActions(domains) + ")");
                }
                actions.add(trimmed);
            }
            actions = Collections.unmodifiableSet(actions);
        }

        String pattern = fields[4].trim();
        Map<AclDomain, ResourcePattern> compiled = new EnumMap<>(AclDomain.class);
        for (AclDomain d : AclDomain.values()) {
            if (!domains.contains(d)) {
                continue;
            }
            boolean used = actions == null || actions.stream().anyMatch(d.actions()::contains);
            if (used) {
                compiled.put(d, d.compile(pattern));
            }
        }
        return new AclRule(key, number, allow, kind, name, domainText, actions, pattern, compiled);
    }

    private static String knownActions(Set<AclDomain> domains) {
        StringBuilder known = new StringBuilder();
        for (AclDomain d : AclDomain.values()) {
            if (domains.contains(d)) {
                for (String action : d.actions()) {
                    known.append(known.length() == 0 ? "" : ", ").append(action);
                }
            }
        }
        return known.append(", or *").toString();
    }

    /** The configuration key, {@code rule.<number>}. */
    public String key() {
        return key;
    }

    /** The rule's number, which orders evaluation. */
    public int number() {
        return number;
    }

    /** Whether the rule allows (or denies). */
    public boolean allow() {
        return allow;
    }

    /** The principal as written: {@code user:NAME}, {@code role:NAME} or {@code *}. */
    public String principal() {
        return switch (principalKind) {
            case ANY -> "*";
            case USER -> "user:" + principalName;
            case ROLE -> "role:" + principalName;
        };
    }

    /** The domain as written: pubsub, rpc, messages, files or {@code *}. */
    public String domain() {
        return domain;
    }

    /** The actions, comma-separated, or {@code *}. */
    public String actions() {
        return actions == null ? "*" : String.join(",", actions);
    }

    /** The resource pattern as written. */
    public String pattern() {
        return pattern;
    }

    /** Whether the rule is about this user. */
    boolean concerns(AuthenticatedUser user) {
        return switch (principalKind) {
            case ANY -> true;
            case USER -> user.name().equals(principalName);
            case ROLE -> user.roles().contains(principalName);
        };
    }

    /** Whether the rule covers this action; the domain is checked through {@link #patternFor}. */
    boolean coversAction(String action) {
        return actions == null || actions.contains(action);
    }

    /** The rule's pattern in a domain's syntax, or null when the rule is not about that domain. */
    ResourcePattern patternFor(AclDomain d) {
        return compiled.get(d);
    }

    /** The rule as it would be written in the configuration. */
    @Override
    public String toString() {
        return key + " = " + (allow ? "allow" : "deny") + " " + principal() + " " + domain + " " + actions() + " "
                + pattern;
    }
}
