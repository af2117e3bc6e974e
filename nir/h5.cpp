#include "nir/h5.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cstring>
#include <filesystem>

namespace hrsnn::nir::h5 {
namespace {

// At most 2^28 elements in one NIR dataset (2 GiB of doubles): a larger one is refused rather
// than allocated.
constexpr uint64_t kMaxElements = uint64_t{1} << 28;

std::vector<uint64_t> dims_of(hid_t space, const std::string& file, const std::string& path, uint64_t& count) {
  const int rank = H5Sget_simple_extent_ndims(space);
  if (rank < 0) throw Error(file, path, "cannot read the dataset's shape");
  std::vector<hsize_t> d(static_cast<size_t>(rank));
  if (rank > 0 && H5Sget_simple_extent_dims(space, d.data(), nullptr) < 0)
    throw Error(file, path, "cannot read the dataset's shape");
  if (H5Sget_simple_extent_type(space) == H5S_NULL) throw Error(file, path, "the dataset holds no value (null space)");
  std::vector<uint64_t> dims(d.begin(), d.end());
  count = 1;
  for (uint64_t x : dims) {
    if (x != 0 && count > kMaxElements / x) throw Error(file, path, "the dataset is too large (more than 2^28 values)");
    count *= x;
  }
  return dims;
}

// A chunked dataset of more than 2^16 chunks is refused before libhdf5 reads it: a corrupt
// extent (a byte-flipped test file gave 9,961,478 elements in chunks of 6) makes H5Dread build
// an index of millions of chunks for minutes. NIR writers' chunks are kilobytes or more, so a
// valid NIR dataset (at most 2^28 values) has far fewer.
void check_chunks(hid_t ds, const std::vector<uint64_t>& dims, const std::string& file, const std::string& path) {
  Handle dcpl(H5Dget_create_plist(ds), H5Pclose);
  if (!dcpl.valid() || H5Pget_layout(dcpl.get()) != H5D_CHUNKED) return;
  std::vector<hsize_t> chunk(dims.size(), 0);
  if (dims.empty() ||
      H5Pget_chunk(dcpl.get(), static_cast<int>(chunk.size()), chunk.data()) != static_cast<int>(dims.size()))
    throw Error(file, path, "has an unreadable chunk layout");
  uint64_t chunks = 1;
  for (size_t k = 0; k < dims.size(); ++k) {
    if (chunk[k] == 0) throw Error(file, path, "has a chunk extent of 0");
    chunks *= (dims[k] + chunk[k] - 1) / chunk[k];
    if (chunks > (uint64_t{1} << 16))
      throw Error(file, path, "is stored in more than 2^16 chunks: the file is corrupt (or chunked far too finely)");
  }
}

Handle dataset_create(hid_t loc, const std::string& name, hid_t file_type, const std::vector<uint64_t>& dims,
                      bool compress) {
  std::vector<hsize_t> d(dims.begin(), dims.end());
  Handle space(dims.empty() ? H5Screate(H5S_SCALAR) : H5Screate_simple(static_cast<int>(d.size()), d.data(), nullptr),
               H5Sclose);
  Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  bool any_zero = std::find(dims.begin(), dims.end(), 0) != dims.end();
  if (compress && !dims.empty() && !any_zero) {
    H5Pset_chunk(dcpl.get(), static_cast<int>(d.size()), d.data());
    H5Pset_deflate(dcpl.get(), 4);
  }
  Handle ds(H5Dcreate2(loc, name.c_str(), file_type, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT), H5Dclose);
  if (!ds.valid()) throw std::runtime_error("HDF5: cannot create dataset '" + name + "'");
  return ds;
}

// gzip level 4 in chunks of at most 1 MiB: the leading dimensions are halved first.
Handle dataset_create_chunked(hid_t loc, const std::string& name, hid_t file_type, const std::vector<uint64_t>& dims) {
  const bool any_zero = std::find(dims.begin(), dims.end(), 0) != dims.end();
  if (dims.empty() || any_zero) return dataset_create(loc, name, file_type, dims, false);
  std::vector<hsize_t> d(dims.begin(), dims.end()), chunk = d;
  const uint64_t element = H5Tget_size(file_type);
  auto bytes = [&] {
    uint64_t b = element;
    for (hsize_t c : chunk) b *= c;
    return b;
  };
  for (size_t k = 0; k < chunk.size(); ++k)
    while (bytes() > (uint64_t{1} << 20) && chunk[k] > 1) chunk[k] = (chunk[k] + 1) / 2;
  Handle space(H5Screate_simple(static_cast<int>(d.size()), d.data(), nullptr), H5Sclose);
  Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  H5Pset_chunk(dcpl.get(), static_cast<int>(chunk.size()), chunk.data());
  H5Pset_deflate(dcpl.get(), 4);
  Handle ds(H5Dcreate2(loc, name.c_str(), file_type, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT), H5Dclose);
  if (!ds.valid()) throw std::runtime_error("HDF5: cannot create dataset '" + name + "'");
  return ds;
}

// h5py's numpy bool: an enum over int8 with FALSE = 0 and TRUE = 1.
Handle bool_enum() {
  Handle t(H5Tenum_create(H5T_NATIVE_INT8), H5Tclose);
  const int8_t no = 0, yes = 1;
  H5Tenum_insert(t.get(), "FALSE", &no);
  H5Tenum_insert(t.get(), "TRUE", &yes);
  return t;
}

Handle vlen_utf8() {
  Handle t(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(t.get(), H5T_VARIABLE);
  H5Tset_cset(t.get(), H5T_CSET_UTF8);
  return t;
}

}  // namespace

void quiet_errors() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

Handle open_file(const std::string& path) {
  quiet_errors();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) throw Error(path, "/", "no such file");
  if (H5Fis_hdf5(path.c_str()) <= 0) throw Error(path, "/", "not an HDF5 file (a NIR file is HDF5)");
  Handle f(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (!f.valid()) throw Error(path, "/", "cannot open the HDF5 file");
  return f;
}

Handle create_file(const std::string& path) {
  quiet_errors();
  Handle f(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose);
  if (!f.valid()) throw std::runtime_error("cannot create the HDF5 file " + path);
  return f;
}

Handle open_group(hid_t loc, const std::string& name) {
  return Handle(H5Gopen2(loc, name.c_str(), H5P_DEFAULT), H5Gclose);
}

Handle create_group(hid_t loc, const std::string& name) {
  Handle g(H5Gcreate2(loc, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
  if (!g.valid()) throw std::runtime_error("HDF5: cannot create group '" + name + "'");
  return g;
}

Kind kind_of(hid_t loc, const std::string& name) {
  if (H5Lexists(loc, name.c_str(), H5P_DEFAULT) <= 0) return Kind::Missing;
  Handle obj(H5Oopen(loc, name.c_str(), H5P_DEFAULT), H5Oclose);
  if (!obj.valid()) return Kind::Other;  // e.g. a dangling soft or external link
  switch (H5Iget_type(obj.get())) {
    case H5I_GROUP: return Kind::Group;
    case H5I_DATASET: return Kind::Dataset;
    default: return Kind::Other;
  }
}

std::vector<std::string> children(hid_t group) {
  std::vector<std::string> names;
#if H5_VERSION_GE(1, 12, 0)
  using LinkInfo = H5L_info2_t;
#else
  using LinkInfo = H5L_info_t;
#endif
  auto cb = [](hid_t, const char* name, const LinkInfo*, void* data) -> herr_t {
    static_cast<std::vector<std::string>*>(data)->emplace_back(name);
    return 0;
  };
  hsize_t idx = 0;
  H5Literate(group, H5_INDEX_NAME, H5_ITER_INC, &idx, cb, &names);
  return names;
}

Array read_numeric(hid_t loc, const std::string& name, const std::string& file, const std::string& path) {
  Handle ds(H5Dopen2(loc, name.c_str(), H5P_DEFAULT), H5Dclose);
  if (!ds.valid()) throw Error(file, path, "cannot open the dataset");
  Handle type(H5Dget_type(ds.get()), H5Tclose);
  const H5T_class_t cls = H5Tget_class(type.get());
  if (cls != H5T_FLOAT && cls != H5T_INTEGER)
    throw Error(file, path, "expected a numeric array (float32 or float64), found a non-numeric dataset");
  Handle space(H5Dget_space(ds.get()), H5Sclose);
  Array a;
  uint64_t count = 0;
  a.dims = dims_of(space.get(), file, path, count);
  a.integer = cls == H5T_INTEGER;
  check_chunks(ds.get(), a.dims, file, path);
  a.values.resize(count);
  if (count > 0 && H5Dread(ds.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, a.values.data()) < 0)
    throw Error(file, path, "cannot read the dataset (unsupported type or compression filter)");
  return a;
}

std::vector<std::string> read_strings(hid_t loc, const std::string& name, const std::string& file,
                                      const std::string& path, std::vector<uint64_t>& dims) {
  Handle ds(H5Dopen2(loc, name.c_str(), H5P_DEFAULT), H5Dclose);
  if (!ds.valid()) throw Error(file, path, "cannot open the dataset");
  Handle type(H5Dget_type(ds.get()), H5Tclose);
  if (H5Tget_class(type.get()) != H5T_STRING) throw Error(file, path, "expected a string dataset");
  Handle space(H5Dget_space(ds.get()), H5Sclose);
  uint64_t count = 0;
  dims = dims_of(space.get(), file, path, count);
  check_chunks(ds.get(), dims, file, path);
  std::vector<std::string> out;
  out.reserve(count);
  if (count == 0) return out;
  const H5T_cset_t cset = H5Tget_cset(type.get());
  if (H5Tis_variable_str(type.get()) > 0) {
    Handle mem(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(mem.get(), H5T_VARIABLE);
    H5Tset_cset(mem.get(), cset);
    std::vector<char*> buf(count, nullptr);
    if (H5Dread(ds.get(), mem.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()) < 0)
      throw Error(file, path, "cannot read the strings");
    for (char* s : buf) out.emplace_back(s ? s : "");
    H5Dvlen_reclaim(mem.get(), space.get(), H5P_DEFAULT, buf.data());
  } else {
    const size_t width = H5Tget_size(type.get());
    if (width == 0 || width > 4096) throw Error(file, path, "unsupported fixed-length string width");
    Handle mem(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(mem.get(), width);
    H5Tset_cset(mem.get(), cset);
    H5Tset_strpad(mem.get(), H5T_STR_NULLPAD);
    std::vector<char> buf(count * width, '\0');
    if (H5Dread(ds.get(), mem.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()) < 0)
      throw Error(file, path, "cannot read the strings");
    for (uint64_t k = 0; k < count; ++k) {
      const char* s = buf.data() + k * width;
      size_t n = strnlen(s, width);
      while (n > 0 && s[n - 1] == ' ') --n;  // space-padded strings
      out.emplace_back(s, n);
    }
  }
  return out;
}

void write_string(hid_t loc, const std::string& name, const std::string& value) {
  write_strings(loc, name, {value}, {});
}

void write_strings(hid_t loc, const std::string& name, const std::vector<std::string>& values,
                   const std::vector<uint64_t>& dims) {
  Handle t = vlen_utf8();
  Handle ds = dataset_create(loc, name, t.get(), dims, false);
  std::vector<const char*> ptrs;
  ptrs.reserve(values.size());
  for (const auto& s : values) ptrs.push_back(s.c_str());
  if (!ptrs.empty() && H5Dwrite(ds.get(), t.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()) < 0)
    throw std::runtime_error("HDF5: cannot write dataset '" + name + "'");
}

void write_doubles(hid_t loc, const std::string& name, const std::vector<double>& values,
                   const std::vector<uint64_t>& dims) {
  Handle ds = dataset_create(loc, name, H5T_IEEE_F64LE, dims, true);
  if (!values.empty() && H5Dwrite(ds.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) < 0)
    throw std::runtime_error("HDF5: cannot write dataset '" + name + "'");
}

void write_int64s(hid_t loc, const std::string& name, const std::vector<int64_t>& values,
                  const std::vector<uint64_t>& dims) {
  Handle ds = dataset_create(loc, name, H5T_STD_I64LE, dims, false);
  if (!values.empty() && H5Dwrite(ds.get(), H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) < 0)
    throw std::runtime_error("HDF5: cannot write dataset '" + name + "'");
}

void write_doubles_chunked(hid_t loc, const std::string& name, const std::vector<double>& values,
                           const std::vector<uint64_t>& dims) {
  Handle ds = dataset_create_chunked(loc, name, H5T_IEEE_F64LE, dims);
  if (!values.empty() && H5Dwrite(ds.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) < 0)
    throw std::runtime_error("HDF5: cannot write dataset '" + name + "'");
}

void write_int64s_chunked(hid_t loc, const std::string& name, const std::vector<int64_t>& values,
                          const std::vector<uint64_t>& dims) {
  Handle ds = dataset_create_chunked(loc, name, H5T_STD_I64LE, dims);
  if (!values.empty() && H5Dwrite(ds.get(), H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) < 0)
    throw std::runtime_error("HDF5: cannot write dataset '" + name + "'");
}

void write_bools_chunked(hid_t loc, const std::string& name, const std::vector<uint8_t>& values,
                         const std::vector<uint64_t>& dims) {
  Handle t = bool_enum();
  Handle ds = dataset_create_chunked(loc, name, t.get(), dims);
  if (!values.empty() && H5Dwrite(ds.get(), t.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) < 0)
    throw std::runtime_error("HDF5: cannot write dataset '" + name + "'");
}

H5T_class_t dataset_class(hid_t loc, const std::string& name) {
  Handle ds(H5Dopen2(loc, name.c_str(), H5P_DEFAULT), H5Dclose);
  if (!ds.valid()) return H5T_NO_CLASS;
  Handle type(H5Dget_type(ds.get()), H5Tclose);
  return type.valid() ? H5Tget_class(type.get()) : H5T_NO_CLASS;
}

Array read_bools(hid_t loc, const std::string& name, const std::string& file, const std::string& path) {
  Handle ds(H5Dopen2(loc, name.c_str(), H5P_DEFAULT), H5Dclose);
  if (!ds.valid()) throw Error(file, path, "cannot open the dataset");
  Handle type(H5Dget_type(ds.get()), H5Tclose);
  if (H5Tget_class(type.get()) != H5T_ENUM || H5Tget_nmembers(type.get()) != 2)
    throw Error(file, path, "expected a boolean array (h5py's FALSE/TRUE enum)");
  Handle mem = bool_enum();  // converted by member name: refused unless the names are FALSE and TRUE
  Handle space(H5Dget_space(ds.get()), H5Sclose);
  Array a;
  uint64_t count = 0;
  a.dims = dims_of(space.get(), file, path, count);
  a.integer = true;
  check_chunks(ds.get(), a.dims, file, path);
  std::vector<int8_t> raw(count);
  if (count > 0 && H5Dread(ds.get(), mem.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, raw.data()) < 0)
    throw Error(file, path, "cannot read the boolean array (an enum other than FALSE/TRUE, or an unsupported filter)");
  a.values.assign(raw.begin(), raw.end());
  return a;
}

namespace {

void write_attr(hid_t loc, const std::string& name, hid_t file_type, hid_t mem_type, const void* value) {
  Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  Handle attr(H5Acreate2(loc, name.c_str(), file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  if (!attr.valid() || H5Awrite(attr.get(), mem_type, value) < 0)
    throw std::runtime_error("HDF5: cannot write attribute '" + name + "'");
}

Handle open_attr(hid_t loc, const std::string& name, const std::string& file, const std::string& path) {
  if (H5Aexists(loc, name.c_str()) <= 0) throw Error(file, path, "missing attribute '" + name + "'");
  Handle attr(H5Aopen(loc, name.c_str(), H5P_DEFAULT), H5Aclose);
  if (!attr.valid()) throw Error(file, path, "cannot open attribute '" + name + "'");
  Handle space(H5Aget_space(attr.get()), H5Sclose);
  if (H5Sget_simple_extent_npoints(space.get()) != 1)
    throw Error(file, path, "attribute '" + name + "' must be a single value");
  return attr;
}

}  // namespace

void write_attr_string(hid_t loc, const std::string& name, const std::string& value) {
  Handle t = vlen_utf8();
  const char* p = value.c_str();
  write_attr(loc, name, t.get(), t.get(), &p);
}

void write_attr_double(hid_t loc, const std::string& name, double value) {
  write_attr(loc, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &value);
}

void write_attr_int64(hid_t loc, const std::string& name, int64_t value) {
  write_attr(loc, name, H5T_STD_I64LE, H5T_NATIVE_INT64, &value);
}

bool has_attr(hid_t loc, const std::string& name) { return H5Aexists(loc, name.c_str()) > 0; }

std::string read_attr_string(hid_t loc, const std::string& name, const std::string& file, const std::string& path) {
  Handle attr = open_attr(loc, name, file, path);
  Handle type(H5Aget_type(attr.get()), H5Tclose);
  if (H5Tget_class(type.get()) != H5T_STRING) throw Error(file, path, "attribute '" + name + "' must be a string");
  const H5T_cset_t cset = H5Tget_cset(type.get());
  if (H5Tis_variable_str(type.get()) > 0) {
    Handle mem(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(mem.get(), H5T_VARIABLE);
    H5Tset_cset(mem.get(), cset);
    char* buf = nullptr;
    if (H5Aread(attr.get(), mem.get(), &buf) < 0) throw Error(file, path, "cannot read attribute '" + name + "'");
    std::string out = buf ? buf : "";
    H5free_memory(buf);
    return out;
  }
  const size_t width = H5Tget_size(type.get());
  if (width == 0 || width > 4096) throw Error(file, path, "attribute '" + name + "': unsupported string width");
  Handle mem(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(mem.get(), width);
  H5Tset_cset(mem.get(), cset);
  H5Tset_strpad(mem.get(), H5T_STR_NULLPAD);
  std::vector<char> buf(width, '\0');
  if (H5Aread(attr.get(), mem.get(), buf.data()) < 0) throw Error(file, path, "cannot read attribute '" + name + "'");
  return std::string(buf.data(), strnlen(buf.data(), width));
}

double read_attr_number(hid_t loc, const std::string& name, const std::string& file, const std::string& path) {
  Handle attr = open_attr(loc, name, file, path);
  Handle type(H5Aget_type(attr.get()), H5Tclose);
  const H5T_class_t cls = H5Tget_class(type.get());
  if (cls != H5T_FLOAT && cls != H5T_INTEGER) throw Error(file, path, "attribute '" + name + "' must be a number");
  double v = 0;
  if (H5Aread(attr.get(), H5T_NATIVE_DOUBLE, &v) < 0) throw Error(file, path, "cannot read attribute '" + name + "'");
  return v;
}

}  // namespace hrsnn::nir::h5
