package io.aldis.feature.rpc.internal.command;

import io.aldis.feature.rpc.api.MethodStats;
import io.aldis.feature.rpc.api.RpcRegistry;
import io.aldis.feature.rpc.api.StreamStats;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** Prints per-method counters and latency percentiles, and the counters of the methods' streams. */
@Service
@Command(scope = "aldis", name = "rpc-stats", description = "Shows per method the calls, errors, calls in flight and "
        + "the p50 and p99 latency since the RPC feature started, then the streams of the methods that opened any: "
        + "opened, open now, items and bytes sent and received by the callee, cancelled and failed "
        + "(also over JMX as io.aldis:type=feature,name=rpc).")
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
        List<StreamStats> streams = registry.streamStats();
        if (!streams.isEmpty()) {
            printStreams(streams);
        }
        return null;
    }

    /** The streams of the methods that opened any, as a second table: what the callee sent and received. */
    private void printStreams(List<StreamStats> streams) {
        ShellTable table = new ShellTable();
        table.column("Streamed method");
        table.column("Opened").alignRight();
        table.column("Open").alignRight();
        table.column("Items sent").alignRight();
        table.column("Bytes sent").alignRight();
        table.column("Items received").alignRight();
        table.column("Bytes received").alignRight();
        table.column("Cancelled").alignRight();
        table.column("Failed").alignRight();
        for (StreamStats s : streams) {
            table.addRow().addContent(s.method(), s.opened(), s.open(), s.itemsSent(), s.bytesSent(),
                    s.itemsReceived(), s.bytesReceived(), s.cancelled(), s.failed());
        }
        if (!noFormat) {
            System.out.println();
        }
        table.print(System.out, !noFormat);
    }
}
