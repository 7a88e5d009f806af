package io.aldis.cli.internal.connection;

import io.aldis.cli.internal.exit.CliFailure;
import io.aldis.cli.internal.exit.ExitCode;
import java.io.Console;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Where the password comes from: the environment variable {@value #ENVIRONMENT_VARIABLE}, else the
 * terminal without echo. Never an argument, which other users of the machine could read in the
 * process list.
 */
public final class PasswordSource {
    /** The environment variable that holds the password for scripts. */
    public static final String ENVIRONMENT_VARIABLE = "ALDIS_PASSWORD";

    private final Map<String, String> environment;
    private final Supplier<Console> console;

    public PasswordSource(Map<String, String> environment, Supplier<Console> console) {
        this.environment = environment;
        this.console = console;
    }

    /** The process's own environment and terminal. */
    public static PasswordSource system() {
        return new PasswordSource(System.getenv(), System::console);
    }

    /** The password of {@code user} at {@code node}; a usage error when there is no way to get one. */
    public char[] passwordFor(String user, NodeAddress node) {
        String fromEnvironment = environment.get(ENVIRONMENT_VARIABLE);
        if (fromEnvironment != null) {
            return fromEnvironment.toCharArray();
        }
        Console terminal = console.get();
        if (terminal == null) {
            throw new CliFailure(ExitCode.USAGE, "no password: set " + ENVIRONMENT_VARIABLE
                    + " or run the command on a terminal to be asked for it");
        }
        char[] typed = terminal.readPassword("Password for %s at %s: ", user, node);
        if (typed == null) {
            throw new CliFailure(ExitCode.USAGE, "no password was typed");
        }
        return typed;
    }
}
