#include "swarm/membership/state_contract_record.hpp"

#include "record_fields.hpp"
#include "swarm/membership/state_task_record.hpp"

namespace swarm::membership {

status contract_record::check() const {
  return detail::check_name("contract", name);
}

void contract_record::encode(byte_writer& out) const {
  out.u8(format_version);
  out.string(name);
  out.varint(created_ms);
  out.varint(resets);
  out.varint(reset_ms);
}

expected<contract_record> contract_record::decode(std::span<const std::byte> bytes) {
  byte_reader in{bytes};
  contract_record x;
  auto version = detail::read_version(in);
  x.name = in.string("name", task_max_text_bytes);
  x.created_ms = in.varint();
  x.resets = in.varint();
  x.reset_ms = in.varint();
  auto st = detail::finish_decode(in, version, format_version,
                                  in.ok() ? x.check() : status::ok(), "contract record");
  if (!st)
    return st.error();
  return x;
}

} // namespace swarm::membership
