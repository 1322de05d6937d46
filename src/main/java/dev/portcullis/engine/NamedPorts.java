package dev.portcullis.engine;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Well-known service names a user may write instead of a port number. Each name stands for one TCP
 * port; the classic ones (22 SSH/SFTP, 21 FTP, 80 HTTP, 443 HTTPS, 3389 RDP) first.
 */
public final class NamedPorts {
  private static final Map<String, Integer> PORTS;

  static {
    Map<String, Integer> m = new LinkedHashMap<>();
    m.put("ssh", 22);
    m.put("sftp", 22);
    m.put("ftp", 21);
    m.put("http", 80);
    m.put("https", 443);
    m.put("rdp", 3389);
    m.put("ftp-data", 20);
    m.put("telnet", 23);
    m.put("smtp", 25);
    m.put("dns", 53);
    m.put("pop3", 110);
    m.put("imap", 143);
    m.put("ldap", 389);
    m.put("smtps", 465);
    m.put("submission", 587);
    m.put("ldaps", 636);
    m.put("imaps", 993);
    m.put("pop3s", 995);
    m.put("mssql", 1433);
    m.put("oracle", 1521);
    m.put("nfs", 2049);
    m.put("mysql", 3306);
    m.put("postgres", 5432);
    m.put("postgresql", 5432);
    m.put("winrm", 5985);
    m.put("winrm-https", 5986);
    m.put("redis", 6379);
    m.put("http-alt", 8080);
    m.put("https-alt", 8443);
    m.put("memcached", 11211);
    m.put("mongodb", 27017);
    m.put("kube-apiserver", 6443);
    m.put("etcd", 2379);
    m.put("kafka", 9092);
    m.put("elasticsearch", 9200);
    m.put("prometheus", 9090);
    PORTS = Collections.unmodifiableMap(m);
  }

  private NamedPorts() {}

  public static Optional<Integer> lookup(String name) {
    return Optional.ofNullable(PORTS.get(name.trim().toLowerCase(Locale.ROOT)));
  }

  /** Every known name and its port, classic ones first. */
  public static Map<String, Integer> all() {
    return PORTS;
  }
}
