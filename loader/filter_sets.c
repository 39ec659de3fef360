// SPDX-License-Identifier: GPL-2.0
/*
 * Filter rule sets: who owns the filter's maps. The loader pins the maps of
 * a filter it attaches in a directory of their own, one rule set per
 * interface by default (or a set several interfaces share, by name), so an
 * interface's rules never show up on another, and `detach` removes the set
 * it owned unless told to keep it. A filter attached by `ip` pins by name
 * in the pin root itself: one set, shared by every such filter.
 */
#include "loader.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <dirent.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SETS_DIR PIN_ROOT "/e1k-filter"

bool filter_set_name_ok(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > FILTER_SET_NAME_MAX || !strcmp(name, ".") || !strcmp(name, ".."))
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-' || c == '.'))
			return false;
	}
	return true;
}

int filter_set_pin(struct bpf_object *obj, const char *set)
{
	char dir[PATH_MAX], path[PATH_MAX + 64];
	struct bpf_map *map;

	snprintf(dir, sizeof(dir), SETS_DIR "/%s", set);
	if ((mkdir(SETS_DIR, 0700) && errno != EEXIST) || (mkdir(dir, 0700) && errno != EEXIST)) {
		err_msg("attach", "cannot create %s: %s", dir, strerror(errno));
		return -errno;
	}
	bpf_object__for_each_map(map, obj) {
		/* .rodata/.bss are not pinned (no pin path of their own). */
		if (!bpf_map__pin_path(map))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, bpf_map__name(map));
		if (bpf_map__set_pin_path(map, path)) {
			err_msg("attach", "cannot pin %s", path);
			return -EINVAL;
		}
	}
	return 0;
}

/* The id of the map pinned at @path, 0 if none. */
static uint32_t pinned_map_id(const char *path)
{
	struct bpf_map_info info = {};
	uint32_t len = sizeof(info);
	int fd = bpf_obj_get(path);
	uint32_t id = 0;

	if (fd < 0)
		return 0;
	if (!bpf_obj_get_info_by_fd(fd, &info, &len))
		id = info.id;
	close(fd);
	return id;
}

int filter_set_of_prog(uint32_t prog_id, char *set, size_t len)
{
	char path[PATH_MAX];
	struct dirent *e;
	int err = -ENOENT;
	DIR *d = opendir(SETS_DIR);

	if (!d)
		return -ENOENT;
	while ((e = readdir(d))) {
		uint32_t id;

		if (!filter_set_name_ok(e->d_name))
			continue;
		snprintf(path, sizeof(path), SETS_DIR "/%s/" E1K_MAP_FILTER_RULES, e->d_name);
		id = pinned_map_id(path);
		if (id && prog_uses_map_id(prog_id, id)) {
			snprintf(set, len, "%s", e->d_name);
			err = 0;
			break;
		}
	}
	closedir(d);
	return err;
}

bool filter_set_in_use(const char *set, int except_ifindex)
{
	struct if_nameindex *all = if_nameindex(), *i;
	char path[PATH_MAX];
	uint32_t id;
	bool used = false;

	snprintf(path, sizeof(path), SETS_DIR "/%s/" E1K_MAP_FILTER_RULES, set);
	id = pinned_map_id(path);
	if (!id || !all)
		goto out;
	for (i = all; i->if_index && !used; i++) {
		struct xdp_attached att;

		if ((int)i->if_index == except_ifindex || xdp_attached_query((int)i->if_index, &att) ||
		    att.mode == XDP_MODE_NONE)
			continue;
		used = prog_uses_map_id(att.prog_id, id);
	}
out:
	if (all)
		if_freenameindex(all);
	return used;
}

int filter_set_remove(const char *set)
{
	char dir[PATH_MAX], path[PATH_MAX + 256];
	struct dirent *e;
	int err = 0;
	DIR *d;

	snprintf(dir, sizeof(dir), SETS_DIR "/%s", set);
	d = opendir(dir);
	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (unlink(path) && !err)
			err = -errno;
	}
	closedir(d);
	if (!err && rmdir(dir))
		err = -errno;
	rmdir(SETS_DIR);	/* when it was the last set */
	return err;
}

void filter_set_drop_empty(const char *set)
{
	char dir[PATH_MAX];

	snprintf(dir, sizeof(dir), SETS_DIR "/%s", set);
	rmdir(dir);	/* only when empty: a failed attach's fresh one */
	rmdir(SETS_DIR);
}
