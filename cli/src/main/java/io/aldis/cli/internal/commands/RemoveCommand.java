package io.aldis.cli.internal.commands;

import io.aldis.cli.internal.connection.ConnectionOptions;
import io.aldis.cli.internal.connection.PasswordSource;
import io.aldis.cli.internal.exit.ExitCode;
import io.aldis.client.AldisClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code rm <name>}: deletes a file from the user's storage area. */
@Command(name = "rm", description = "Deletes a file from your storage area on the node.")
public final class RemoveCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "NAME", description = "The file's name on the node.")
    String name;

    @Mixin
    ConnectionOptions connection;

    @Mixin
    OutputOptions output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        AldisClient client = connection.connect(PasswordSource.system());
        try {
            client.remove(name).get();
            spec.commandLine().getOut().println("removed " + name);
            return ExitCode.OK.status();
        } finally {
            Connections.close(client);
        }
    }
}
