package io.aldis.feature.filetransfer.internal.command;

import java.io.IOException;
import java.util.Dictionary;
import java.util.Hashtable;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/** Changes the quotas in the feature's configuration, which applies them at once and keeps them. */
@Service
@Command(scope = "aldis", name = "quota-set", description = "Sets the bytes each user may store (userQuota), or "
        + "with --global all users together (globalQuota), in etc/io.aldis.files.cfg; 0 means no quota. Uploads "
        + "accepted before keep their space.")
public class QuotaSetCommand implements Action {
    @Argument(index = 0, name = "bytes", description = "The quota in bytes; 0 for none", required = true)
    long bytes;
    @Option(name = "--global", description = "Set the quota of all users together instead of each user's")
    boolean global;
    @Reference
    ConfigurationAdmin configurations;

    @Override
    public Object execute() throws IOException {
        if (bytes < 0) {
            throw new IllegalArgumentException("a quota cannot be negative: " + bytes);
        }
        String key = global ? "globalQuota" : "userQuota";
        Configuration configuration = configurations.getConfiguration("io.aldis.files", null);
        Dictionary<String, Object> properties = configuration.getProperties();
        if (properties == null) {
            properties = new Hashtable<>();
        }
        properties.put(key, Long.toString(bytes));
        configuration.update(properties);
        System.out.println(key + " = " + bytes + (bytes == 0 ? " (no quota)" : ""));
        return null;
    }
}
