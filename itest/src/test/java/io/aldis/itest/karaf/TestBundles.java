package io.aldis.itest.karaf;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;

/**
 * Builds small bundles inside a test and installs them into the container.
 *
 * <p>The classes are copied from the test class path as resources, by name, so the test itself
 * never loads them: a test that loaded a class importing a feature's API would wire itself to that
 * feature and be refreshed when the feature is uninstalled.
 */
final class TestBundles {

    private TestBundles() {
    }

    /**
     * Installs (without starting) a bundle made of the named classes.
     *
     * @param symbolicName   the bundle's symbolic name, also used in its location
     * @param activator      the fully qualified name of its activator, one of {@code classNames}
     * @param importPackages the Import-Package header
     * @param classNames     fully qualified names of the classes to copy into the bundle
     */
    static Bundle install(BundleContext context, String symbolicName, String activator, String importPackages,
            List<String> classNames) throws BundleException {
        byte[] jar = jar(symbolicName, activator, importPackages, classNames);
        try (InputStream in = new ByteArrayInputStream(jar)) {
            return context.installBundle("itest:" + symbolicName, in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Uninstalls the bundle if it is still there; for cleanup after a test. */
    static void uninstallQuietly(Bundle bundle) {
        if (bundle == null || bundle.getState() == Bundle.UNINSTALLED) {
            return;
        }
        try {
            bundle.uninstall();
        } catch (BundleException | IllegalStateException e) {
            // already gone
        }
    }

    private static byte[] jar(String symbolicName, String activator, String importPackages, List<String> classNames) {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", symbolicName);
        main.putValue("Bundle-Version", "1.0.0");
        main.putValue("Bundle-Activator", activator);
        main.putValue("Import-Package", importPackages);
        main.putValue("Require-Capability", "osgi.ee;filter:=\"(&(osgi.ee=JavaSE)(version=17))\"");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream out = new JarOutputStream(bytes, manifest)) {
            ClassLoader loader = TestBundles.class.getClassLoader();
            for (String className : classNames) {
                String resource = className.replace('.', '/') + ".class";
                try (InputStream in = loader.getResourceAsStream(resource)) {
                    if (in == null) {
                        throw new IllegalStateException("class file not found: " + resource);
                    }
                    out.putNextEntry(new JarEntry(resource));
                    in.transferTo(out);
                    out.closeEntry();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
