package io.aldis.feature.rpc.internal.command;

import io.aldis.protocol.api.ErrorCode;
import io.aldis.feature.rpc.api.RpcException;
import io.aldis.feature.rpc.api.RpcRegistry;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** Calls a method and prints its JSON result or its error. */
@Service
@Command(scope = "aldis", name = "rpc-call", description = "Calls service.method with JSON parameters (an array by "
        + "position or an object by name) and prints the JSON result or the error.")
public class RpcCallCommand implements Action {
    @Reference
    RpcRegistry registry;

    @Argument(index = 0, name = "method", description = "service.method", required = true)
    @Completion(MethodCompleter.class)
    String method;

    @Argument(index = 1, name = "params", description = "The parameters as JSON, e.g. '[1, 2]' or '{\"a\":1}'",
            required = false)
    String params = "[]";

    @Option(name = "-t", aliases = "--timeout", description = "Deadline in milliseconds (default 30000)")
    long timeoutMillis = 30_000;

    @Override
    public Object execute() throws InterruptedException {
        CompletableFuture<String> call = registry.call(method, params, Duration.ofMillis(timeoutMillis));
        try {
            System.out.println(call.get());
        } catch (InterruptedException e) {
            call.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RpcException error) {
                ErrorCode known = error.errorCode();
                String details = error.details().isEmpty() ? "" : System.lineSeparator() + error.details();
                throw new IllegalStateException("error " + error.code() + (known == null ? "" : " " + known) + ": "
                        + error.getMessage() + details, error);
            }
            throw new IllegalStateException("error: " + e.getCause().getMessage(), e.getCause());
        }
        return null;
    }
}
