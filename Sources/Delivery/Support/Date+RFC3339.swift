import Foundation
import SLAEngine

extension Date {
    /// RFC 3339 in UTC, whole seconds (`Timestamp`'s arithmetic: no calendar per call, as
    /// every webhook body writes three).
    var rfc3339: String {
        Timestamp(self).description
    }
}
