package io.aldis.feature.filetransfer.internal;

import io.aldis.protocol.api.spi.auth.AuthenticatedUser;
import io.aldis.protocol.api.spi.auth.Authorizer;
import java.util.function.Supplier;

/**
 * The {@code files} permissions (docs/protocol.md 6.5.1): the resource is the name relative to the
 * user's storage area. Without an authorization feature, {@link Authorizer#DEFAULT} decides.
 */
public final class Access {
    public static final String READ = "read";
    public static final String WRITE = "write";
    public static final String LIST = "list";
    public static final String DELETE = "delete";

    private final Supplier<Authorizer> authorizer;

    public Access(Supplier<Authorizer> authorizer) {
        this.authorizer = authorizer;
    }

    public boolean permits(AuthenticatedUser user, String action, String name) {
        Authorizer a = authorizer.get();
        return (a != null ? a : Authorizer.DEFAULT).permits(user, Authorizer.FILES, name, action);
    }
}
