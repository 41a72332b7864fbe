public import ServiceLifecycle

/// A service the service group knows by its type's name.
///
/// The group names each service `"\(service)"`. For a struct with no description of its
/// own, that reflects every stored property: the name is long, and start-up spends time
/// looking up the conformances of every type it meets (2 – 4 ms of the 47 – 53 ms from
/// start to `READY=1` on the demo configuration). A `NamedService` is named by its type
/// alone, with no dynamic cast.
public protocol NamedService: Service, CustomStringConvertible {}

extension NamedService {
    public var description: String { _typeName(Self.self, qualified: false) }
}
