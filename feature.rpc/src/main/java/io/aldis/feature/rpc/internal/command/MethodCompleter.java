package io.aldis.feature.rpc.internal.command;

import io.aldis.feature.rpc.api.MethodInfo;
import io.aldis.feature.rpc.api.RpcRegistry;
import io.aldis.feature.rpc.api.ServiceInfo;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes {@code service.method} names of the services callable now. */
@Service
public class MethodCompleter implements Completer {
    @Reference
    RpcRegistry registry;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter names = new StringsCompleter();
        for (ServiceInfo service : registry.services()) {
            for (MethodInfo m : service.methods()) {
                names.getStrings().add(service.name() + "." + m.name());
            }
        }
        return names.complete(session, commandLine, candidates);
    }
}
