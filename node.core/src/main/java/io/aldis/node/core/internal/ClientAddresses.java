package io.aldis.node.core.internal;

import io.aldis.node.core.internal.session.NodeSession;
import io.aldis.protocol.api.Capability;
import io.aldis.protocol.api.NodeAddresses;
import io.aldis.protocol.api.spi.node.ClientAddressBook;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;

/**
 * Passes the cluster's client addresses on to the clients that asked for them (docs/protocol.md,
 * NODE_ADDRESSES): the handshake asks it for the frame a session gets once it is authenticated,
 * and it has every open session that asked send the list again whenever the book says it changed.
 * Without a book (no cluster feature) it offers nothing and sends nothing.
 */
final class ClientAddresses {
    private static final System.Logger LOG = System.getLogger("io.aldis.node");

    private final Supplier<Collection<NodeSession>> sessions;
    private ClientAddressBook book;
    private AutoCloseable listening;

    ClientAddresses(Supplier<Collection<NodeSession>> sessions) {
        this.sessions = sessions;
    }

    /**
     * Takes {@code next} as the book (null: none) and listens to its changes. The caller tells the
     * open sessions of the change of capabilities, then calls {@link #changed()}.
     */
    synchronized void use(ClientAddressBook next) {
        stopListening();
        book = next;
        if (next != null) {
            listening = next.onChange(this::changed);
        }
    }

    /** Whether a book is in use: the node then offers {@link Capability#NODE_ADDRESSES}. */
    synchronized boolean present() {
        return book != null;
    }

    synchronized boolean uses(ClientAddressBook candidate) {
        return book == candidate;
    }

    /** The frame for a session that just authenticated, or null when it gets none. */
    synchronized NodeAddresses frameFor(long clientCapabilities) {
        if (book == null || (clientCapabilities & Capability.NODE_ADDRESSES.mask()) == 0) {
            return null;
        }
        return current();
    }

    /**
     * Tells every open session whose client asked that the list may have changed. Each session
     * reads the list on its own event loop when it gets there and sends it then (or nothing, when
     * the book went meanwhile), so two changes told from two threads, or a change told while the
     * book is being withdrawn, never leave a client with an older list than the book's.
     */
    void changed() {
        for (NodeSession session : sessions.get()) {
            if (session.isOpen() && (session.clientCapabilities() & Capability.NODE_ADDRESSES.mask()) != 0) {
                session.addressesChanged();
            }
        }
    }

    /** The book's list as a frame: its first addresses that fit in one frame, those too long left out. */
    private NodeAddresses current() {
        List<String> fitting = new ArrayList<>();
        for (String address : book.clientAddresses()) {
            if (fitting.size() == NodeAddresses.MAX_ADDRESSES) {
                break;
            }
            if (NodeAddresses.fits(address)) {
                fitting.add(address);
            }
        }
        return new NodeAddresses(fitting);
    }

    private void stopListening() {
        if (listening != null) {
            try {
                listening.close();
            } catch (Exception e) {
                LOG.log(System.Logger.Level.DEBUG, "Stopping to listen to the address book failed", e);
            }
            listening = null;
        }
    }
}
