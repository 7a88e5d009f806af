package io.aldis.protocol.api.spi.audit;

import java.lang.System.Logger.Level;
import java.security.AccessController;
import java.security.Principal;
import java.util.stream.Collectors;
import javax.security.auth.Subject;

/**
 * One line in the log (logger {@code io.aldis.audit}) per change an operator makes from the
 * console, naming the console user, so that who changed what can be found later.
 */
public final class AuditLog {
    private static final System.Logger LOG = System.getLogger("io.aldis.audit");

    private AuditLog() {
    }

    /** Records that {@code what} (the command and its arguments, never a password) was done. */
    public static void record(String what) {
        LOG.log(Level.INFO, "{0} by console user {1}", what, consoleUser());
    }

    /** The console user the command runs for (Karaf runs commands inside the user's JAAS subject). */
    @SuppressWarnings("removal")
    public static String consoleUser() {
        Subject subject;
        try {
            subject = Subject.getSubject(AccessController.getContext());
        } catch (UnsupportedOperationException | SecurityException notAvailable) {
            return "(unknown)";
        }
        if (subject == null) {
            return "(local)";
        }
        String users = subject.getPrincipals().stream()
                .filter(p -> p.getClass().getSimpleName().equals("UserPrincipal"))
                .map(Principal::getName)
                .collect(Collectors.joining(","));
        return users.isEmpty() ? "(unknown)" : users;
    }
}
