package io.aldis.feature.rpc.internal.command;

import io.aldis.feature.rpc.api.MethodInfo;
import io.aldis.feature.rpc.api.RpcRegistry;
import io.aldis.feature.rpc.api.ServiceInfo;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** Lists the callable services and their methods with parameter and result types. */
@Service
@Command(scope = "aldis", name = "rpc-list", description = "Lists the services callable over RPC, their methods, "
        + "parameter and result types, and who provides them.")
public class RpcListCommand implements Action {
    @Option(name = "--no-format", description = "Plain output for scripts: no header, no rules, columns separated by tabs")
    boolean noFormat;
    @Reference
    RpcRegistry registry;

    @Argument(index = 0, name = "service", description = "Only this service", required = false)
    String service;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable();
        table.column("Method");
        table.column("Parameters");
        table.column("Result");
        table.column("Provider");
        for (ServiceInfo info : registry.services()) {
            if (service != null && !service.equals(info.name())) {
                continue;
            }
            if (info.methods().isEmpty()) {
                table.addRow().addContent(info.name() + ".*", "?", "?", info.provider());
            }
            for (MethodInfo m : info.methods()) {
                table.addRow().addContent(info.name() + "." + m.name(), String.join(", ", m.parameters()), m.result(),
                        info.provider());
            }
        }
        table.print(System.out, !noFormat);
        return null;
    }
}
