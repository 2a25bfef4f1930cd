package io.fsctx.fltmgr;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * {@code DRIVER_OBJECT} as a minifilter sees it: the service name it was loaded under and, in
 * place of the service's registry key, the default instance it attaches with ({@code
 * Instances\DefaultInstance} name and {@code Altitude}).
 *
 * <p>Thread safety: immutable.
 *
 * @param serviceName the service key name, such as {@code Ctx}; the filter's name
 * @param defaultInstanceName the default instance's name, such as {@code Ctx Instance}
 * @param defaultAltitude the default altitude, such as {@code 370070}; null means no automatic
 *     attachment
 */
public record DriverObject(
    String serviceName, String defaultInstanceName, @Nullable String defaultAltitude) {

  /** A driver whose default instance is {@code <name> Instance} at {@code altitude}. */
  public static DriverObject of(String serviceName, @Nullable String altitude) {
    return new DriverObject(serviceName, serviceName + " Instance", altitude);
  }

  // equals and hashCode are written out (same meaning as the record's): the record's own bootstrap
  // through ObjectMethods on first use spins method-handle classes at every CLI start (issue 14).

  /** Whether {@code o} is a driver object with equal components. */
  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof DriverObject d
        && d.serviceName.equals(serviceName)
        && d.defaultInstanceName.equals(defaultInstanceName)
        && Objects.equals(d.defaultAltitude, defaultAltitude);
  }

  /** A hash of the components. */
  @Override
  public int hashCode() {
    return (31 * serviceName.hashCode() + defaultInstanceName.hashCode()) * 31 + Objects.hashCode(defaultAltitude);
  }
}
