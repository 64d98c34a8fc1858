#include "swarm/config/kinds.hpp"

#include "kind_names.hpp"

namespace swarm::config {

std::string_view to_string(resource_manager_kind x) {
  return detail::name_of(detail::resource_manager_names, x);
}

std::string_view to_string(access_kind x) {
  return detail::name_of(detail::access_names, x);
}

std::string_view to_string(mount_kind x) {
  return detail::name_of(detail::mount_names, x);
}

std::string_view to_string(identity_kind x) {
  return detail::name_of(detail::identity_names, x);
}

std::string_view to_string(task_kind x) {
  return detail::name_of(detail::task_names, x);
}

std::string_view to_string(build_kind x) {
  return detail::name_of(detail::build_names, x);
}

std::string_view to_string(content_kind x) {
  return detail::name_of(detail::content_names, x);
}

std::string_view to_string(operation_kind x) {
  return detail::name_of(detail::operation_names, x);
}

} // namespace swarm::config
