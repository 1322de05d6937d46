package dev.portcullis.cloud.simulator.endpoint;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Writes one of EC2's XML answers: elements in the order the handlers open them, text escaped, and
 * characters XML 1.0 cannot carry replaced with U+FFFD, so that no value a client sent can break
 * the document.
 */
final class Xml {
  /** The namespace of EC2's answers for API version 2016-11-15. */
  static final String NAMESPACE = "http://ec2.amazonaws.com/doc/2016-11-15/";

  private final StringBuilder out = new StringBuilder(512);
  private final Deque<String> open = new ArrayDeque<>();

  Xml() {
    out.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
  }

  /** Opens the document's root element with EC2's namespace. */
  Xml root(String name) {
    out.append('<').append(name).append(" xmlns=\"").append(NAMESPACE).append("\">");
    open.push(name);
    return this;
  }

  Xml start(String name) {
    out.append('<').append(name).append('>');
    open.push(name);
    return this;
  }

  Xml end() {
    out.append("</").append(open.pop()).append('>');
    return this;
  }

  /** An element with text; nothing when {@code value} is null. */
  Xml leaf(String name, Object value) {
    if (value != null) {
      out.append('<').append(name).append('>');
      escape(String.valueOf(value));
      out.append("</").append(name).append('>');
    }
    return this;
  }

  /** Closes every open element and returns the document. */
  String finish() {
    while (!open.isEmpty()) {
      end();
    }
    return out.toString();
  }

  private void escape(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&apos;");
        case '\r' -> out.append("&#13;");
        default -> {
          if (Character.isHighSurrogate(c)
              && i + 1 < s.length()
              && Character.isLowSurrogate(s.charAt(i + 1))) {
            out.append(c).append(s.charAt(++i));
          } else if (c == '\t'
              || c == '\n'
              || (c >= 0x20 && c <= 0xD7FF)
              || (c >= 0xE000 && c <= 0xFFFD)) {
            out.append(c);
          } else {
            out.append('\uFFFD');
          }
        }
      }
    }
  }
}
