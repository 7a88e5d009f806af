package io.aldis.feature.rpc.internal.command;

import io.aldis.feature.rpc.api.MethodStats;
import io.aldis.feature.rpc.api.RpcRegistry;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** Prints per-method counters and latency percentiles. */
@Service
@Command(scope = "aldis", name = "rpc-stats", description = "Shows per method the calls, errors, calls in flight and "
        + "the p50 and p99 latency since the RPC feature started (also over JMX as io.aldis:type=feature,name=rpc).")
public class RpcStatsCommand implements Action {
    @Option(name = "--no-format", description = "Plain output for scripts: no header, no rules, columns separated by tabs")
    boolean noFormat;
    @Reference
    RpcRegistry registry;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable();
        table.column("Method");
        table.column("Calls").alignRight();
        table.column("Errors").alignRight();
        table.column("In flight").alignRight();
        table.column("p50 µs").alignRight();
        table.column("p99 µs").alignRight();
        for (MethodStats s : registry.stats()) {
            table.addRow().addContent(s.method(), s.calls(), s.errors(), s.inFlight(), s.p50Micros(), s.p99Micros());
        }
        table.print(System.out, !noFormat);
        return null;
    }
}
