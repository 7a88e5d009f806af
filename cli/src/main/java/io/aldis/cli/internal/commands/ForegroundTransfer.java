package io.aldis.cli.internal.commands;

import io.aldis.cli.internal.connection.ConnectionOptions;
import io.aldis.cli.internal.connection.PasswordSource;
import io.aldis.cli.internal.exit.ExitCode;
import io.aldis.cli.internal.transfer.Direction;
import io.aldis.cli.internal.transfer.Interruption;
import io.aldis.cli.internal.transfer.ProgressBarDisplay;
import io.aldis.cli.internal.transfer.ProgressDisplay;
import io.aldis.cli.internal.transfer.TransferRunner;
import io.aldis.client.AldisClient;
import io.aldis.client.Transfer;
import io.aldis.client.TransferOptions;
import java.util.function.BiFunction;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What {@code upload} and {@code download} share once their arguments are checked: Ctrl-C is
 * watched from before the tool connects, then the transfer runs in the foreground with its
 * progress bar, and the connection is closed at the end whatever happened.
 */
final class ForegroundTransfer {
    private ForegroundTransfer() {
    }

    /**
     * @param what  how the transfer is named to the user, such as {@code upload of big.iso}
     * @param label the name its progress bar shows
     * @param start starts the transfer on the connected client with the options it is given
     * @return the command's exit status; a failed transfer throws its failure
     */
    static int run(CommandSpec spec, ConnectionOptions connection, OutputOptions output, Direction direction,
            String what, String label, TransferOptions options,
            BiFunction<AldisClient, TransferOptions, Transfer> start) throws Exception {
        Interruption interruption = Interruption.install(spec.commandLine().getErr(), what);
        try {
            AldisClient client = connection.connect(PasswordSource.system());
            try (ProgressDisplay display = output.showProgress() ? new ProgressBarDisplay(label, System.err)
                    : ProgressDisplay.NONE) {
                new TransferRunner(client, display, spec.commandLine().getOut(), interruption)
                        .run(direction, options, o -> start.apply(client, o));
                return ExitCode.OK.status();
            } finally {
                Connections.close(client);
            }
        } finally {
            interruption.uninstall();
        }
    }
}
