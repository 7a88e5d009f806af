package io.aldis.cli.internal.exit;

import java.io.PrintWriter;
import java.util.function.Predicate;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Prints a failed command's error as one line in the user's words, the stack trace only with
 * {@code --verbose}, and returns the exit code {@link Failures} gives it.
 */
public final class FailureHandler implements IExecutionExceptionHandler {
    private final String verboseOption;

    /** A handler that prints stack traces when {@code verboseOption} was given. */
    public FailureHandler(String verboseOption) {
        this.verboseOption = verboseOption;
    }

    @Override
    public int handleExecutionException(Exception failure, CommandLine command, ParseResult parsed) {
        Throwable cause = Failures.unwrap(failure);
        ExitCode exitCode = Failures.exitCodeOf(cause);
        PrintWriter err = command.getErr();
        err.println(command.getCommandSpec().root().name() + ": " + Failures.describe(cause));
        if (matched(parsed, p -> p.hasMatchedOption(verboseOption))) {
            cause.printStackTrace(err);
        }
        if (exitCode == ExitCode.USAGE) {
            err.println("(" + command.getCommandSpec().qualifiedName() + " --help shows how to use it)");
        }
        err.flush();
        return exitCode.status();
    }

    private static boolean matched(ParseResult parsed, Predicate<ParseResult> test) {
        for (ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (test.test(p)) {
                return true;
            }
        }
        return false;
    }
}
