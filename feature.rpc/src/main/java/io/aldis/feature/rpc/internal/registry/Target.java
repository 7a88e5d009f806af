package io.aldis.feature.rpc.internal.registry;

import io.aldis.feature.rpc.internal.export.ExportedMethod;
import io.aldis.feature.rpc.internal.export.ExportedService;
import io.aldis.feature.rpc.internal.providers.Provider;
import java.util.List;

/** What a {@code service.method} name resolves to right now. */
public sealed interface Target {
    /** A method of an OSGi service exported inside the node. */
    record Exported(ExportedService service, ExportedMethod method) implements Target {
    }

    /** A service provided by connected clients: the providers that serve the method. */
    record Provided(List<Provider> providers) implements Target {
        public Provided {
            providers = List.copyOf(providers);
        }
    }

    /** Nothing: the message of METHOD_NOT_FOUND says why. */
    record NotFound(String message) implements Target {
    }
}
