package io.aldis.cli;

import io.aldis.cli.internal.commands.DownloadCommand;
import io.aldis.cli.internal.commands.ListCommand;
import io.aldis.cli.internal.commands.OutputOptions;
import io.aldis.cli.internal.commands.RemoveCommand;
import io.aldis.cli.internal.commands.UploadCommand;
import io.aldis.cli.internal.exit.ExitCode;
import io.aldis.cli.internal.exit.FailureHandler;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The command-line tool for files: {@code java -jar aldis-cli.jar upload|download|ls|rm ...}.
 * Each subcommand connects to the node, does its one thing and exits with a code from
 * {@link ExitCode}, which docs/files.md lists for scripts.
 */
@Command(name = "aldis-cli", mixinStandardHelpOptions = true, version = "aldis-cli 0.2.0",
        description = "Moves files to and from an Aldis node: resumable, verified by SHA-256.",
        subcommands = {UploadCommand.class, DownloadCommand.class, ListCommand.class, RemoveCommand.class,
            CommandLine.HelpCommand.class},
        footerHeading = "%nExit codes:%n",
        footer = {"  0 done, 1 other failure, 2 usage, 3 authentication failed, 4 node unreachable,",
            "  5 not found, 6 refused by the node (permission, policy, quota, size, name),",
            "  7 verification failed, 130 interrupted (the same command again resumes)."})
public final class AldisCli implements Callable<Integer> {

    /** Runs the command line and ends the process with its exit code. */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code. */
    public static int run(String... args) {
        quietLogging();
        return commandLine().execute(args);
    }

    /** The tool's command line, with the failure handling and exit codes it runs with. */
    public static CommandLine commandLine() {
        return new CommandLine(new AldisCli())
                .setExecutionExceptionHandler(new FailureHandler(OutputOptions.VERBOSE));
    }

    /**
     * The client and Netty log through java.util.logging; their warnings (a reconnect, a dropped
     * frame) are the tool's own business to report in words, so they only show with --verbose,
     * which turns them back on as it is parsed ({@link OutputOptions}).
     */
    static void quietLogging() {
        OutputOptions.silenceLog();
    }

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        // No command named: the usage is the most useful answer.
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCode.USAGE.status();
    }
}
