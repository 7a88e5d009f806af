package io.aldis.feature.metrics.internal.figures;

import java.util.List;

/**
 * The figures of one kind of MBean.
 *
 * @param pattern an object name pattern; the figures of every bean that matches are added up (a
 *                JVM normally holds one node and one instance of each feature)
 * @param figures what its attributes become
 */
public record BeanFigures(String pattern, List<Figure> figures) {
}
