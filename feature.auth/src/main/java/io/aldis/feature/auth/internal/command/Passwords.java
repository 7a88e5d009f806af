package io.aldis.feature.auth.internal.command;

import java.io.IOException;
import java.util.Arrays;
import org.apache.karaf.shell.api.console.Session;

/** Reads a new password from the console twice, with echo off, when none was given. */
final class Passwords {
    private Passwords() {
    }

    static char[] obtain(Session session, String given, String user) throws IOException {
        if (given != null) {
            return given.toCharArray();
        }
        String first = session.readLine("Password for " + user + ": ", '*');
        String second = session.readLine("Repeat the password: ", '*');
        if (first == null || first.isEmpty()) {
            throw new IllegalArgumentException("password must not be empty");
        }
        if (!first.equals(second)) {
            throw new IllegalArgumentException("the passwords do not match");
        }
        return first.toCharArray();
    }

    /** Refuses a password shorter than the store's policy allows. */
    static void checkPolicy(char[] password, int minLength) {
        if (password.length < minLength) {
            throw new IllegalArgumentException("The password is too short: at least " + minLength
                    + " characters (password.minLength in io.aldis.auth).");
        }
    }

    static void wipe(char[] password) {
        if (password != null) {
            Arrays.fill(password, '\0');
        }
    }
}
