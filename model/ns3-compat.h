/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef DL_NS3_COMPAT_H
#define DL_NS3_COMPAT_H

// Every difference between the ns-3 releases this module builds against (3.35 to 3.48) lives
// here. DL_NS3_MINOR is the release's minor number (37 for ns-3.37); CMakeLists.txt and wscript
// define it from the ns-3 they build with.

#include "ns3/arp-cache.h"
#include "ns3/boolean.h"
#include "ns3/command-line.h"
#include "ns3/enum.h"
#include "ns3/inet-socket-address.h"
#include "ns3/ipv4-interface.h"
#include "ns3/ipv4-l3-protocol.h"
#include "ns3/ipv4-routing-protocol.h"
#include "ns3/net-device-container.h"
#include "ns3/node.h"

#include <string>
#include <type_traits>

#ifndef DL_NS3_MINOR
#    error "DL_NS3_MINOR (the ns-3 minor release, e.g. 37) must be defined by the build"
#endif

#if DL_NS3_MINOR >= 36
#    include "ns3/neighbor-cache-helper.h"
#endif

namespace ns3
{
namespace dlcompat
{

/// The signature of Ipv4RoutingProtocol::RouteInput with its callbacks by const reference
/// (newer releases) rather than by value (3.35, 3.37).
using RouteInputByRef
    = bool (Ipv4RoutingProtocol::*)(Ptr<const Packet>, const Ipv4Header&, Ptr<const NetDevice>,
                                    const Ipv4RoutingProtocol::UnicastForwardCallback&,
                                    const Ipv4RoutingProtocol::MulticastForwardCallback&,
                                    const Ipv4RoutingProtocol::LocalDeliverCallback&,
                                    const Ipv4RoutingProtocol::ErrorCallback&);

/**
 * \ingroup distributed-learning
 * The type of a callback parameter of RouteInput in this release: \p T or const \p T&, so that
 * an override declared with it matches either.
 */
template<typename T>
using RouteInputArg = std::conditional_t<
    std::is_same_v<decltype(&Ipv4RoutingProtocol::RouteInput), RouteInputByRef>, const T&, T>;

/**
 * \ingroup distributed-learning
 * Make \p ipv4 accept only packets addressed to the interface they arrive on: the attribute
 * is WeakEsModel=false up to some release and StrongEndSystemModel=true after (ns-3.48 has
 * only the latter), so whichever exists is set.
 * \param ipv4 the node's IPv4
 */
inline void
UseStrongEndSystemModel(Ptr<Ipv4> ipv4)
{
    if (!ipv4->SetAttributeFailSafe("StrongEndSystemModel", BooleanValue(true)))
    {
        ipv4->SetAttribute("WeakEsModel", BooleanValue(false));
    }
}

/**
 * \ingroup distributed-learning
 * MakeEnumAccessor for an enum member: ns-3.41 made the enum type a template argument.
 * \param member pointer to the enum data member
 * \return the accessor
 */
template<typename Enum, typename Class>
Ptr<const AttributeAccessor>
MakeEnumMemberAccessor(Enum Class::*member)
{
#if DL_NS3_MINOR >= 41
    return MakeEnumAccessor<Enum>(member);
#else
    return MakeEnumAccessor(member);
#endif
}

/**
 * \ingroup distributed-learning
 * Fill the ARP caches of \p devices (one shared link) with each other's addresses, so that the
 * first burst to a neighbour is not lost waiting for ARP: NeighborCacheHelper from ns-3.36,
 * permanent ArpCache entries before.
 * \param devices devices on one link, with IPv4 addresses
 */
inline void
PopulateNeighborCache(const NetDeviceContainer& devices)
{
#if DL_NS3_MINOR >= 36
    NeighborCacheHelper().PopulateNeighborCache(devices);
#else
    for (auto a = devices.Begin(); a != devices.End(); ++a)
    {
        Ptr<Ipv4L3Protocol> ipA = (*a)->GetNode()->GetObject<Ipv4L3Protocol>();
        Ptr<ArpCache> cache = ipA->GetInterface(ipA->GetInterfaceForDevice(*a))->GetArpCache();
        for (auto b = devices.Begin(); b != devices.End(); ++b)
        {
            Ptr<Ipv4L3Protocol> ipB = (*b)->GetNode()->GetObject<Ipv4L3Protocol>();
            const int32_t ifB = ipB->GetInterfaceForDevice(*b);
            if (a == b || !cache || ipB->GetNAddresses(ifB) == 0)
            {
                continue;
            }
            ArpCache::Entry* entry = cache->Add(ipB->GetAddress(ifB, 0).GetLocal());
            entry->SetMacAddress((*b)->GetAddress());
            entry->MarkPermanent();
        }
    }
#endif
}

/// \cond
template<typename A>
auto
SetAddressTosIfAny(A& address, uint8_t tos, int) -> decltype(address.SetTos(tos), void())
{
    address.SetTos(tos);
}

template<typename A>
void
SetAddressTosIfAny(A&, uint8_t, long)
{
}

/// \endcond

/**
 * Older releases (3.35, 3.37) take a UDP datagram's ToS from the InetSocketAddress it is sent
 * to, newer ones only from the socket (Socket::SetIpTos): set it on the address where it has
 * one. Detected, not keyed on the release number.
 * \param address the destination
 * \param tos the IPv4 type-of-service byte
 */
inline void
SetAddressTos(InetSocketAddress& address, uint8_t tos)
{
    SetAddressTosIfAny(address, tos, 0);
}

/// A command-line flag's text, and whether the command line gave it at all.
struct GivenText
{
    std::string text;  //!< as given; empty when not given
    bool given{false}; //!< whether the command line named the flag
};

/// \cond
template<typename Text>
bool
TakeGivenText(GivenText* flag, Text text)
{
    flag->text = text;
    flag->given = true;
    return true;
}

template<typename Cmd>
auto
AddGivenTextAs(Cmd& cmd, const std::string& name, const std::string& help, GivenText* flag,
               const std::string& shown, int)
    -> decltype(cmd.AddValue(name, help,
                             MakeBoundCallback(&TakeGivenText<const std::string&>, flag), shown),
                void())
{
    cmd.AddValue(name, help, MakeBoundCallback(&TakeGivenText<const std::string&>, flag), shown);
}

template<typename Cmd>
void
AddGivenTextAs(Cmd& cmd, const std::string& name, const std::string& help, GivenText* flag,
               const std::string& shown, long)
{
    cmd.AddValue(name, help, MakeBoundCallback(&TakeGivenText<std::string>, flag), shown);
}

/// \endcond

/**
 * Add --\p name to \p cmd as text whose presence is known (a string flag cannot tell an
 * absent flag from one given its default). CommandLine's callback takes the text by value in
 * older releases (3.35, 3.37) and by const reference in newer ones: detected, not keyed on the
 * release number.
 * \param cmd the command line
 * \param name the flag, without dashes
 * \param help its help line
 * \param flag where the text goes; it must outlive cmd.Parse
 * \param shown the default the help line shows
 */
inline void
AddGivenText(CommandLine& cmd, const std::string& name, const std::string& help, GivenText& flag,
             const std::string& shown)
{
    AddGivenTextAs(cmd, name, help, &flag, shown, 0);
}

} // namespace dlcompat
} // namespace ns3

#endif // DL_NS3_COMPAT_H
