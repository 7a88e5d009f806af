package io.aldis.bench.report;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** A chart read back as XML (so it must be well-formed), to find its marks by class and label. */
final class SvgDocument {
    private final Element root;

    private SvgDocument(Element root) {
        this.root = root;
    }

    static SvgDocument parse(String svg) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        return new SvgDocument(factory.newDocumentBuilder()
                .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8))).getDocumentElement());
    }

    Element root() {
        return root;
    }

    /** The elements of that class (and that data-label, unless null), in document order. */
    List<Element> marks(String cssClass, String label) {
        List<Element> found = new ArrayList<>();
        NodeList all = root.getElementsByTagName("*");
        for (int i = 0; i < all.getLength(); i++) {
            Element e = (Element) all.item(i);
            if (e.getAttribute("class").equals(cssClass) && (label == null || e.getAttribute("data-label").equals(label))) {
                found.add(e);
            }
        }
        return found;
    }

    /** The one element of that class and label. */
    Element mark(String cssClass, String label) {
        List<Element> found = marks(cssClass, label);
        if (found.size() != 1) {
            throw new AssertionError(found.size() + " elements of class " + cssClass + " and label " + label);
        }
        return found.get(0);
    }

    /** The texts of the elements of that class. */
    List<String> texts(String cssClass) {
        return marks(cssClass, null).stream().map(Element::getTextContent).toList();
    }

    static double number(Element e, String attribute) {
        return Double.parseDouble(e.getAttribute(attribute));
    }
}
